import Testing

@testable import ThermoDevices

/// Worked examples from `shared/docs/usb-thermometer-protocols.md` §3 (Melexis AN-614 and the
/// datasheet); a simulator and a driver built on these must produce exactly these bytes.
@Suite struct MLX90614Tests {
  @Test func pecMatchesMelexisExamples() {
    #expect(SMBusPEC.compute([0x00, 0x2E, 0x00, 0x00]) == 0x6F)
    #expect(SMBusPEC.compute([0x00, 0x2E, 0x5A, 0x00]) == 0xE1)
    #expect(SMBusPEC.compute([0xB4, 0xFF]) == 0xE8)  // enter sleep
  }

  @Test func pecAgreesWithABitwiseCRC8() {
    func bitwise(_ bytes: [UInt8]) -> UInt8 {
      var crc: UInt8 = 0
      for byte in bytes {
        crc ^= byte
        for _ in 0..<8 { crc = (crc & 0x80) != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
      }
      return crc
    }
    var generator = SystemRandomNumberGenerator()
    for length in 0..<40 {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      #expect(SMBusPEC.compute(bytes) == bitwise(bytes), "\(bytes)")
    }
  }

  @Test(arguments: [
    (MLX90614.Command.objectTemperature1, UInt8(0xD2), UInt8(0x3A), UInt8(0x30), 28.01),
    (.ambientTemperature, 0x64, 0x3A, 0x17, 25.81),
    (.objectTemperature1, 0xC6, 0x3C, 0x21, 38.01),
  ])
  func readWordRepliesDecodeToTheWorkedTemperatures(
    command: MLX90614.Command, lsb: UInt8, msb: UInt8, pec: UInt8, celsius: Double
  ) throws {
    let (word, matched) = try MLX90614.word(
      fromReply: (lsb, msb, pec), address: MLX90614.defaultAddress, command: command.rawValue, policy: .reject)
    #expect(matched)
    #expect(abs(try MLX90614.celsius(fromTemperatureWord: word) - celsius) < 1e-9)
    #expect(MLX90614.temperatureWord(celsius: celsius) == word)
  }

  @Test func aCorruptedReplyIsRejectedOrFlaggedByPolicy() throws {
    #expect(throws: MLX90614.WordError.pecMismatch(expected: 0x30, received: 0x31)) {
      try MLX90614.word(fromReply: (0xD2, 0x3A, 0x31), address: 0x5A, command: 0x07, policy: .reject)
    }
    let accepted = try MLX90614.word(fromReply: (0xD2, 0x3A, 0x31), address: 0x5A, command: 0x07, policy: .accept)
    #expect(accepted.word == 0x3AD2)
    #expect(!accepted.pecMatched)
  }

  @Test func bit15IsTheSensorsErrorFlag() {
    #expect(throws: MLX90614.WordError.errorFlag(word: 0x8000)) { try MLX90614.celsius(fromTemperatureWord: 0x8000) }
    #expect(throws: MLX90614.WordError.self) { try MLX90614.celsius(fromTemperatureWord: 0xBAD2) }
    #expect((try? MLX90614.celsius(fromTemperatureWord: 0x7FFF)).map { abs($0 - 382.19) < 1e-9 } == true)
  }

  @Test func emissivityIsWrittenAsEraseThenValueWithPEC() throws {
    let word = try #require(MLX90614.emissivityWord(0.95))
    #expect(word == 0xF332)
    #expect(MLX90614.writeWordPayload(address: 0x5A, command: 0x24, word: 0) == [0x24, 0x00, 0x00, 0x28])
    #expect(MLX90614.writeWordPayload(address: 0x5A, command: 0x24, word: word) == [0x24, 0x32, 0xF3, 0x2C])
    #expect(MLX90614.emissivityWord(1.0) == 0xFFFF)
    #expect(MLX90614.emissivityWord(0) == nil)
    #expect(MLX90614.emissivityWord(1.01) == nil)
    #expect(abs(MLX90614.emissivity(fromWord: 0xF332) - 0.95) < 1e-4)
  }
}
