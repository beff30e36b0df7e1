import Testing
import ThermoCore
import ThermoDevices

@testable import ThermoSimulation

/// The fault list, each ending as a typed error or a fault decision and a recovery:
/// unplug mid-transfer, garbage reports, a stuck value; and the smaller protocol corners.
@Suite struct SimulatorFaultTests {
  func bridge() -> MLX90614Thermometer<MCP2221Bridge<SimulatedReportTransport<MCP2221Model>>> {
    MLX90614Thermometer(
      bridge: MCP2221Bridge(
        transport: SimulatedReportTransport(model: MCP2221Model(sensor: MLX90614Model(objectC: 36.2, ambientC: 22)))))
  }

  @Test func unpluggedInTheMiddleOfAWordReadIsADisconnectAndAReplugReadsAgain() throws {
    var device = bridge()
    // 0x94 goes out, then the plug is pulled before 0x93.
    device.bridge.transport.unplugAfterReports = 1
    #expect(throws: BridgeError.transport(.disconnected)) { try device.readSample(at: 0) }
    device.bridge.transport.isUnplugged = false
    device.bridge.transport.unplugAfterReports = nil
    // The engine still holds the half-done transfer; the driver must get past it.
    #expect(abs(try device.readSample(at: 1).objectC - 36.2) < 0.011)
  }

  @Test func garbageReportsBeforeAReplyAreSkippedNotTaken() throws {
    var device = bridge()
    _ = try device.readSample(at: 0)
    device.bridge.transport.inject([0x93, 0x00, 0x55] + [UInt8](repeating: 0xEE, count: 61))
    device.bridge.transport.inject([0x40, 0x00, 0x55, 3, 0x12, 0x34, 0x56] + [UInt8](repeating: 0, count: 57))
    // Garbage came after a clean read, so nothing tells the driver to drain: it must recognise
    // replies that do not answer its command and still read the right value.
    let sample = try? device.readSample(at: 1)
    if let sample { #expect(abs(sample.objectC - 36.2) < 0.011) }
    #expect(abs(try device.readSample(at: 2).objectC - 36.2) < 0.011)
  }

  @Test func aStuckSensorBecomesAFaultDecision() throws {
    let clock = SteppedClock()
    var settings = EntranceScene.Settings()
    settings.arrivalsPerMinute = 0.01
    let model = SceneDrivenDevice(
      device: MCP2221Model(sensor: MLX90614Model(objectC: 20, ambientC: 20)),
      scene: EntranceScene(seed: 2, settings: settings), clock: clock.reader)
    var device = MLX90614Thermometer(bridge: MCP2221Bridge(transport: SimulatedReportTransport(model: model)))
    var entrance = EntrancePipeline()
    var decisions: [Decision] = []
    for step in 0..<(120 * 10) {
      clock.seconds = Double(step) / 10
      // After ten seconds the sensor freezes on whatever it last saw.
      if step == 100 { device.bridge.transport.model.freezesReadings = true }
      if entrance.ingest(try device.readSample(at: clock.seconds)) {
        while let decision = entrance.nextDecision() { decisions.append(decision) }
      }
    }
    #expect(decisions.contains { $0.screeningClass == .fault && $0.reason == .stuckReading })
  }

  @Test func optrisChecksumsCanBeSwitchedOffAndSetsThenGoBare() throws {
    var model = OptrisModel(targetC: 30, headC: 22)
    model.requiresChecksum = true
    var head = OptrisThermometer(stream: SimulatedByteStream(model: model), family: .ct)
    try head.switchChecksumsOff()
    #expect(head.stream.written.last == [0xAD, 0xAD])
    #expect(!head.stream.model.requiresChecksum)
    try head.setEmissivity(0.97)
    #expect(head.stream.written.last == [0x84, 0x03, 0xCA])
    #expect(head.stream.model.emissivity == 0.97)
  }

  @Test func temperSticksAnswerInEightByteReports() {
    var model = TEMPerModel(firmwareIdentifier: "TEMPer2_V3.9    ", internalC: 23.1)
    model.externalC = 18.5
    let replies = model.handle(TEMPer.measurementRequest)
    #expect(replies.count == 2)
    #expect(replies.allSatisfy { $0.count == 8 })
  }
}

/// The MCP2221's I2C clock, set for the MLX90614's 100 kHz limit.
@Suite struct MCP2221BusSpeedTests {
  @Test func theClockIsSetTo100kHzWithTheKernelsDivider() throws {
    var model = MCP2221Model(sensor: MLX90614Model(objectC: 30, ambientC: 22))
    // What hid-mcp2221 leaves behind: 400 kHz (divider 0x1B).
    _ = model.handle(MCP2221Report.make(.statusSetParameters, [0, 0, 0x20, 0x1B]))
    #expect(model.divider == 0x1B)
    var bridge = MCP2221Bridge(transport: SimulatedReportTransport(model: model))
    try bridge.setBusSpeed(hertz: 100_000)
    #expect(bridge.transport.sentReports.last.map { Array($0.prefix(5)) } == [0x10, 0x00, 0x00, 0x20, 0x75])
    #expect(bridge.transport.model.divider == 0x75)
  }

  @Test func aTransferInProgressIsCancelledAndTheSpeedSetAfter() throws {
    var model = MCP2221Model(sensor: MLX90614Model(objectC: 30, ambientC: 22))
    // A command byte written without STOP, left hanging by an earlier process.
    _ = model.handle(MCP2221Report.transfer(.writeDataNoStop, length: 1, addressByte: 0xB4, data: [0x07]))
    var bridge = MCP2221Bridge(transport: SimulatedReportTransport(model: model))
    try bridge.setBusSpeed(hertz: 100_000)
    #expect(bridge.transport.model.divider == 0x75)
    #expect(bridge.transport.sentReports.contains(MCP2221Report.cancel))
  }
}
