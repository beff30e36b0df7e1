import Testing
import ThermoDevices

@testable import ThermoSimulation

/// A HID device that answers every report with random bytes: sometimes nothing, sometimes a
/// report that echoes the command (to get past the first checks), of any length.
struct GarbageReportDevice: ReportDeviceModel {
  var random: SeededRandom

  mutating func handle(_ out: [UInt8]) -> [[UInt8]] {
    (0..<Int.random(in: 0...2, using: &random)).map { _ in
      var reply = (0..<Int.random(in: 0...70, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
      if !reply.isEmpty, Bool.random(using: &random) { reply[0] = out.first ?? 0 }
      // Answers that look like progress keep the state machines busy in their deeper states.
      if reply.count > 3, Bool.random(using: &random) {
        reply[1] = [0x00, 0x01, 0x02, 0x05][Int.random(in: 0...3, using: &random)]
      }
      return reply
    }
  }
}

/// A serial device that answers every command with random bytes.
struct GarbageByteDevice: ByteStreamDeviceModel {
  var random: SeededRandom

  mutating func handle(_ bytes: [UInt8]) -> [UInt8] {
    var reply = (0..<Int.random(in: 0...12, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    // Often a plausible Modbus header, so the CRC and length checks are what must hold.
    if reply.count >= 3, Bool.random(using: &random) { reply[0] = bytes.first ?? 1 }
    return reply
  }
}

/// Every parser and protocol state machine fed random bytes: each read ends in a value or a
/// typed error, never a crash or a hang (the suite's time limit catches a hang).
@Suite(.timeLimit(.minutes(1))) struct ParserFuzzTests {
  @Test(arguments: [UInt64(1), 2, 3])
  func bridgesSurviveGarbageReports(seed: UInt64) {
    var viaMCP = MLX90614Thermometer(
      bridge: MCP2221Bridge(
        transport: SimulatedReportTransport(model: GarbageReportDevice(random: SeededRandom(seed: seed)))))
    var viaCP = MLX90614Thermometer(
      bridge: CP2112Bridge(
        transport: SimulatedReportTransport(model: GarbageReportDevice(random: SeededRandom(seed: seed ^ 0xC0)))))
    var readings = 0
    for time in 0..<1500 {
      for sample in [try? viaMCP.readSample(at: Double(time)), try? viaCP.readSample(at: Double(time))] {
        guard let sample else { continue }
        readings += 1
        // A word that got through has a valid PEC; its value is still a temperature word.
        #expect(sample.sensorError || (-273.15...382.2).contains(sample.objectC))
      }
    }
    #expect(readings < 300, "garbage should rarely pass PEC: \(readings)")
  }

  @Test(arguments: [UInt64(4), 5])
  func serialDriversSurviveGarbageReplies(seed: UInt64) {
    var pyrometer = PyroUSBThermometer(
      stream: SimulatedByteStream(model: GarbageByteDevice(random: SeededRandom(seed: seed))))
    var head = OptrisThermometer(
      stream: SimulatedByteStream(model: GarbageByteDevice(random: SeededRandom(seed: ~seed))))
    for time in 0..<2000 {
      if let sample = try? pyrometer.readSample(at: Double(time)) { #expect(sample.objectC.isFinite) }
      if let sample = try? head.readSample(at: Double(time)) { #expect(sample.objectC.isFinite) }
      _ = try? head.serialNumber()
      _ = try? pyrometer.setSessionEmissivity(0.97)
    }
  }

  @Test func frameAndReportDecodersSurviveRandomBytes() {
    var random = SeededRandom(seed: 6)
    for _ in 0..<20_000 {
      let bytes = (0..<Int.random(in: 0...20, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
      _ = try? ModbusRTU.checkedBody(bytes)
      for firmware in [TEMPer.Firmware.fm75, .gold, .x, .v3External, .sht20] {
        if let reading = try? TEMPer.decode(bytes, firmware: firmware) { #expect(reading.internalC.isFinite) }
      }
      _ = TEMPer.Firmware(identifier: String(decoding: bytes, as: UTF8.self))
      if bytes.count >= 3 {
        _ = try? MLX90614.word(
          fromReply: (bytes[0], bytes[1], bytes[2]), address: 0x5A, command: 0x07, policy: .reject)
      }
    }
  }

  @Test func addressesFromRandomTextParseOrExplainThemselves() {
    var random = SeededRandom(seed: 7)
    let alphabet = Array("mcp2221cp2112optrispyrousbtemperrelaysim:?=&/.-_0123456789xXsrialport ")
    for _ in 0..<20_000 {
      let text = String(
        (0..<Int.random(in: 0...30, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? "a" })
      do {
        let address = try DeviceAddress(parsing: text)
        // What parses prints back to something that parses to the same address.
        #expect(try DeviceAddress(parsing: address.description) == address)
      } catch {
        #expect(error.description.contains("expected DRIVER:LOCATOR"))
      }
    }
  }
}
