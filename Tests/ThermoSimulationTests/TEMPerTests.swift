import Testing
import ThermoDevices

@testable import ThermoSimulation

@Suite struct TEMPerTests {
  @Test func theReferencesTestVectorsDecode() throws {
    let fm75 = try TEMPer.decode([0x80, 0x04, 0x0A, 0xE0, 0x15, 0x00, 0x1D, 0x15], firmware: .fm75)
    #expect(fm75.internalC == 0x0AE0 / 256.0)  // 10.9 °C
    #expect(fm75.externalC == 21.0)
    #expect(abs(try TEMPer.decode([0x00, 0x00, 0x20, 0x1A], firmware: .fm75).internalC - 32.1) < 0.01)
    #expect(try TEMPer.decode([0x80, 0x04, 0x09, 0x60, 0x4E, 0x20, 0, 0], firmware: .gold).internalC == 24.0)
    #expect(throws: TEMPer.DecodeError.noSensor) { try TEMPer.decode([0x80, 0x04, 0x4E, 0x20], firmware: .gold) }
    #expect(throws: TEMPer.DecodeError.shortReport(2)) { try TEMPer.decode([0x80, 0x04], firmware: .gold) }
    // Signed: a cold stick reads below zero.
    #expect(try TEMPer.decode([0x80, 0x04, 0xFC, 0x18], firmware: .gold).internalC == -10.0)
  }

  @Test(arguments: [
    ("TEMPerGold_V3.1 ", TEMPer.Firmware.gold), ("TEMPerX_V3.3    ", .x), ("TEMPer2_V3.9    ", .v3External),
    ("TEMPerHUM_V3.9  ", .v3External), ("TEMPerF1.4\0\0\0\0\0\0", .fm75), ("TEMPer1F_H1V1.5F", .sht20),
  ])
  func firmwareStringsPickTheirDecoding(identifier: String, firmware: TEMPer.Firmware) {
    #expect(TEMPer.Firmware(identifier: identifier) == firmware)
  }

  @Test func aStickIsIdentifiedThenRead() throws {
    var model = TEMPerModel(firmwareIdentifier: "TEMPerX_V3.3    ", internalC: 23.45)
    model.externalC = 19.8
    model.humidityPercent = 41.2
    var stick = TEMPerSensor(transport: SimulatedReportTransport(model: model))
    let reading = try stick.read()
    #expect(stick.firmware == .x)
    #expect(reading.internalC == 23.45)
    #expect(reading.externalC == 19.8)
    #expect(reading.humidityPercent == 41.2)
    #expect(stick.transport.sentReports == [TEMPer.firmwareRequest, TEMPer.measurementRequest])
  }

  @Test func anUnknownFirmwareOrASilentStickIsAnError() {
    var odd = TEMPerSensor(
      transport: SimulatedReportTransport(model: TEMPerModel(firmwareIdentifier: "Thermo9000 v1   ", internalC: 20)))
    #expect(throws: TEMPerSensor<SimulatedReportTransport<TEMPerModel>>.Failure.unknownFirmware("Thermo9000 v1   ")) {
      try odd.read()
    }
    var gone = TEMPerSensor(
      transport: SimulatedReportTransport(model: TEMPerModel(firmwareIdentifier: "TEMPerGold_V3.1 ", internalC: 20)))
    gone.transport.isUnplugged = true
    #expect(throws: TEMPerSensor<SimulatedReportTransport<TEMPerModel>>.Failure.transport(.disconnected)) {
      try gone.read()
    }
  }
}
