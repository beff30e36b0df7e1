import Testing
import ThermoCore
import ThermoDevices

@testable import ThermoSimulation

@Suite struct MCP2221ThermometerTests {
  typealias Device = MLX90614Thermometer<MCP2221Bridge<SimulatedReportTransport<MCP2221Model>>>

  func thermometer(objectC: Double = 36.4, ambientC: Double = 22.5) -> Device {
    MLX90614Thermometer(
      bridge: MCP2221Bridge(
        transport: SimulatedReportTransport(
          model: MCP2221Model(sensor: MLX90614Model(objectC: objectC, ambientC: ambientC)))))
  }

  @Test func aSampleCarriesObjectAndAmbientAtTheCallersTime() throws {
    var device = thermometer()
    let sample = try device.readSample(at: 1234.5)
    #expect(sample.time == 1234.5)
    #expect(abs(sample.objectC - 36.4) <= 0.0101)
    #expect(abs(sample.ambientC - 22.5) <= 0.0101)
    #expect(!sample.sensorError)
    // Two word reads, each 0x94, 0x93, 0x40, 0x10, in order: ambient (0x06) first.
    #expect(device.bridge.transport.sentReports.map { $0[0] } == [0x94, 0x93, 0x40, 0x10, 0x94, 0x93, 0x40, 0x10])
    #expect(device.bridge.transport.sentReports[0][4] == 0x06)
    #expect(device.bridge.transport.sentReports[4][4] == 0x07)
  }

  @Test func theSensorsErrorFlagMakesAFlaggedSampleForTheDetector() throws {
    var device = thermometer()
    device.bridge.transport.model.sensor?.errorFlag = true
    let sample = try device.readSample(at: 0)
    #expect(sample.sensorError)
    #expect(sample.objectC.isNaN)
  }

  @Test func aStalledDeviceTimesOutAndIsCancelledSoTheNextReadWorks() throws {
    var device = thermometer()
    device.bridge.transport.lateReplies = 1
    #expect(throws: BridgeError.transport(.timeout)) {
      try device.readSample(at: 0)
    }
    #expect(device.bridge.transport.sentReports.last == MCP2221Report.cancel)
    #expect(abs(try device.readSample(at: 1).objectC - 36.4) <= 0.0101)
  }

  @Test func anUnpluggedDeviceSaysSo() {
    var device = thermometer()
    device.bridge.transport.isUnplugged = true
    #expect(throws: BridgeError.transport(.disconnected)) {
      try device.readSample(at: 0)
    }
  }

  @Test func samplesFromTheSimulatedDeviceDriveTheScreeningCore() throws {
    var device = thermometer(objectC: 22.8, ambientC: 22.5)
    var entrance = EntrancePipeline()
    var decisions: [Decision] = []
    var time = 0.0
    for objectC in [22.8, 22.8, 35.1, 35.12, 35.1, 35.1, 22.8, 22.8] {
      device.bridge.transport.model.sensor?.objectC = objectC
      if entrance.ingest(try device.readSample(at: time)) {
        while let decision = entrance.nextDecision() { decisions.append(decision) }
      }
      time += 0.1
    }
    #expect(decisions.map(\.screeningClass) == [.normal])
    #expect(abs((decisions.first?.rawObjectC ?? 0) - 35.1) <= 0.02)
  }

  @Test func aLateReplyNeverAnswersTheNextRequest() throws {
    var device = thermometer(objectC: 36.4, ambientC: 22.5)
    device.bridge.transport.lateReplies = 2
    _ = try? device.readSample(at: 0)
    for time in 1..<5 {
      let sample = try device.readSample(at: Double(time))
      #expect(abs(sample.objectC - 36.4) <= 0.0101)
      #expect(abs(sample.ambientC - 22.5) <= 0.0101)
    }
  }
}
