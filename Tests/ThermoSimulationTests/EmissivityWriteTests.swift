import Testing
import ThermoDevices

@testable import ThermoSimulation

/// MLX90614 emissivity writes through both bridges (protocol reference §3.3: erase, wait,
/// write, wait), checked to the byte against the reference's worked example.
@Suite struct EmissivityWriteTests {
  func mcp2221(_ sensor: MLX90614Model = MLX90614Model(objectC: 30, ambientC: 22)) -> MLX90614Thermometer<
    MCP2221Bridge<SimulatedReportTransport<MCP2221Model>>
  > {
    MLX90614Thermometer(bridge: MCP2221Bridge(transport: SimulatedReportTransport(model: MCP2221Model(sensor: sensor))))
  }

  func cp2112(_ sensor: MLX90614Model = MLX90614Model(objectC: 30, ambientC: 22)) -> MLX90614Thermometer<
    CP2112Bridge<SimulatedReportTransport<CP2112Model>>
  > {
    MLX90614Thermometer(bridge: CP2112Bridge(transport: SimulatedReportTransport(model: CP2112Model(sensor: sensor))))
  }

  @Test func theMCP2221SendsTheReferenceBytesAndTheCellTakesTheValue() throws {
    var device = mcp2221()
    var pauses: [Duration] = []
    try device.setEmissivity(0.95, pause: { pauses.append($0) })
    let writes = device.bridge.transport.sentReports.filter { $0[0] == 0x90 }
    // `B4 24 00 00 28`, then `B4 24 32 F3 2C`, each as a 0x90 write of four bytes after the address.
    #expect(
      writes.map { Array($0.prefix(8)) } == [
        [0x90, 0x04, 0x00, 0xB4, 0x24, 0x00, 0x00, 0x28],
        [0x90, 0x04, 0x00, 0xB4, 0x24, 0x32, 0xF3, 0x2C],
      ])
    #expect(pauses == [.milliseconds(20), .milliseconds(20)])
    #expect(device.bridge.transport.model.sensor?.emissivityWord == 0xF332)
    #expect(device.bridge.transport.model.sensor?.eepromWrites == 2)
    #expect(abs(try device.emissivity() - 0.95) < 0.0001)
  }

  @Test func theCP2112SendsTheReferenceBytesAndTheCellTakesTheValue() throws {
    var device = cp2112()
    try device.setEmissivity(0.95, pause: { _ in })
    let writes = device.bridge.transport.sentReports.filter { $0[0] == 0x14 }
    #expect(
      writes.map { Array($0.prefix(7)) } == [
        [0x14, 0xB4, 0x04, 0x24, 0x00, 0x00, 0x28],
        [0x14, 0xB4, 0x04, 0x24, 0x32, 0xF3, 0x2C],
      ])
    #expect(device.bridge.transport.model.sensor?.emissivityWord == 0xF332)
    #expect(abs(try device.emissivity() - 0.95) < 0.0001)
  }

  @Test func aCellWrittenWithoutEraseIsCorruptWhichIsWhyTheDriverErases() {
    var sensor = MLX90614Model(objectC: 30, ambientC: 22)
    sensor.emissivityWord = 0xFFFF
    // 0.95 written straight over 1.0: only the bits both share survive, i.e. 0.95 itself here;
    // but over 0.95, 0.98 (0xFAE1) becomes 0xF220, neither value.
    sensor.writeWord(address: 0x5A, payload: MLX90614.writeWordPayload(address: 0x5A, command: 0x24, word: 0xF332))
    sensor.writeWord(address: 0x5A, payload: MLX90614.writeWordPayload(address: 0x5A, command: 0x24, word: 0xFAE1))
    #expect(sensor.emissivityWord == 0xF332 & 0xFAE1)
  }

  @Test func aWriteWithABadPECChangesNothingAndTheReadBackSaysSo() throws {
    var sensor = MLX90614Model(objectC: 30, ambientC: 22)
    var payload = MLX90614.writeWordPayload(address: 0x5A, command: 0x24, word: 0)
    payload[3] ^= 0xFF
    sensor.writeWord(address: 0x5A, payload: payload)
    #expect(sensor.emissivityWord == 0xFFFF)
    #expect(sensor.eepromWrites == 0)
  }

  @Test func anAbsentSensorIsANackOnBothBridges() {
    var viaMCP = mcp2221()
    viaMCP.bridge.transport.model.sensor?.address = 0x33
    #expect(throws: EmissivityWriteError.bridge(.mcp2221(.bridge(.addressNotAcknowledged(engineState: 0x25))))) {
      try viaMCP.setEmissivity(0.97, pause: { _ in })
    }
    var viaCP = cp2112()
    viaCP.bridge.transport.model.sensor?.address = 0x33
    #expect(throws: EmissivityWriteError.bridge(.cp2112(.bridge(.addressNotAcknowledged)))) {
      try viaCP.setEmissivity(0.97, pause: { _ in })
    }
  }

  @Test func emissivityOutsideTheUsableRangeIsRefusedBeforeAnyWrite() {
    var device = mcp2221()
    for value in [0.0, 0.05, 1.01, -1, .nan] {
      #expect(throws: EmissivityWriteError.self) { try device.setEmissivity(value, pause: { _ in }) }
    }
    #expect(device.bridge.transport.sentReports.isEmpty)
  }
}
