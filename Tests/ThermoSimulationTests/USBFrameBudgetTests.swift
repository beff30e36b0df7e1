import Testing
import ThermoDevices

@testable import ThermoSimulation

/// How many USB transfers a reading costs — counted, not timed, so it holds on any machine.
@Suite struct USBFrameBudgetTests {
  @Test func aCleanMCP2221WordReadUsesItsFourExchangesAndNoDrainPolls() throws {
    var thermometer = MLX90614Thermometer(
      bridge: MCP2221Bridge(
        transport: FrameClockedTransport(
          SimulatedReportTransport(model: MCP2221Model(sensor: MLX90614Model(objectC: 36, ambientC: 22))))))
    _ = try thermometer.readSample(at: 0)  // the first read drains whatever a previous owner left
    let before = thermometer.bridge.transport
    for time in 1...10 { _ = try thermometer.readSample(at: Double(time)) }
    let after = thermometer.bridge.transport
    // 0x94, 0x93, 0x40, 0x10: four OUT and four IN reports per word, two words per sample.
    #expect(after.outTransfers - before.outTransfers == 10 * 2 * 4)
    #expect(after.inTransfers - before.inTransfers == 10 * 2 * 4)
    // One frame each way per exchange: 8 ms per word, 16 ms per sample.
    #expect(after.milliseconds - before.milliseconds == 10 * 16)
  }

  @Test func afterATimeoutTheNextReadDrainsFirstAndThenGoesBackToFourExchanges() throws {
    var transport = SimulatedReportTransport(
      model: MCP2221Model(sensor: MLX90614Model(objectC: 36, ambientC: 22)))
    transport.lateReplies = 1
    var thermometer = MLX90614Thermometer(bridge: MCP2221Bridge(transport: FrameClockedTransport(transport)))
    #expect(throws: BridgeError.self) { try thermometer.readSample(at: 0) }
    #expect(thermometer.bridge.mayHaveStaleReplies)
    #expect(abs(try thermometer.readSample(at: 1).objectC - 36) < 0.011)
    #expect(!thermometer.bridge.mayHaveStaleReplies)
    let before = thermometer.bridge.transport.inTransfers
    _ = try thermometer.readSample(at: 2)
    #expect(thermometer.bridge.transport.inTransfers - before == 8)
  }
}
