import Testing
import ThermoSimulation

@testable import ThermoDevices

/// Boot keyboard reports written out by hand from HID 1.11 appendix B.1 and the usage tables.
@Suite struct HIDKeyboardDecoderTests {
  func typed(_ reports: [[UInt8]]) throws -> [BadgeKey] {
    var decoder = HIDKeyboardDecoder()
    return try reports.flatMap { report throws(HIDKeyboardReport.DecodeError) in try decoder.decode(report) }
  }

  @Test func digitsLettersAndEnterDecodeByUsageID() throws {
    let keys = try typed([
      [0, 0, 0x1E, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // 1
      [0, 0, 0x26, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // 9
      [0, 0, 0x27, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // 0
      [0, 0, 0x04, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // a
      [0, 0, 0x1D, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // z
      [0, 0, 0x28, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // Enter
    ])
    #expect(keys == [.character("1"), .character("9"), .character("0"), .character("a"), .character("z"), .enter])
  }

  @Test func eitherShiftMakesUpperCase() throws {
    let keys = try typed([
      [0x02, 0, 0x04, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // left shift + a
      [0x20, 0, 0x05, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // right shift + b
      [0x01, 0, 0x06, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],  // left ctrl + c stays lower case
    ])
    #expect(keys == [.character("A"), .character("B"), .character("c")])
  }

  @Test func keypadDigitsAndKeypadEnter() throws {
    let keys = try typed([
      [0, 0, 0x59, 0, 0, 0, 0, 0], [0, 0, 0x61, 0, 0, 0, 0, 0], [0, 0, 0x62, 0, 0, 0, 0, 0],
      [0, 0, 0x58, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
    ])
    #expect(keys == [.character("1"), .character("9"), .character("0"), .enter])
  }

  @Test func aHeldKeyTypesOnceAndANewKeyBesideItTypes() throws {
    let keys = try typed([
      [0, 0, 0x1F, 0, 0, 0, 0, 0], [0, 0, 0x1F, 0, 0, 0, 0, 0], [0, 0, 0x1F, 0, 0, 0, 0, 0],
      // "2" still held, "3" joins it in another slot: only "3" is new.
      [0, 0, 0x1F, 0x20, 0, 0, 0, 0], [0, 0, 0x20, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
      // Released and pressed again: types again.
      [0, 0, 0x1F, 0, 0, 0, 0, 0],
    ])
    #expect(keys == [.character("2"), .character("3"), .character("2")])
  }

  @Test func rolloverErrorReportsChangeNothing() throws {
    let keys = try typed([
      [0, 0, 0x1E, 0, 0, 0, 0, 0],
      [0, 0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01],
      // After the error the same key is still down: no second "1".
      [0, 0, 0x1E, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
    ])
    #expect(keys == [.character("1")])
  }

  @Test func keysNoIDIsMadeOfAreUnrecognizedAndLockKeysTypeNothing() throws {
    // F1 (0x3A), Escape (0x29), a reserved usage (0xA5); then Caps Lock (0x39), Num Lock (0x53).
    let keys = try typed([
      [0, 0, 0x3A, 0x29, 0xA5, 0, 0, 0], [0, 0, 0x2D, 0, 0, 0, 0, 0], [0, 0, 0x39, 0x53, 0, 0, 0, 0],
    ])
    #expect(keys == [.unrecognized, .unrecognized, .unrecognized, .character("-")])
  }

  @Test func aLineWithAnUnknownKeyIsNeverTakenAsAShorterID() throws {
    // "1.2" and Enter: the dot (0x37) must not vanish and leave the ID "12".
    let keys = try typed([
      [0, 0, 0x1E, 0, 0, 0, 0, 0], [0, 0, 0x37, 0, 0, 0, 0, 0], [0, 0, 0x1F, 0, 0, 0, 0, 0],
      [0, 0, 0x28, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
    ])
    var assembler = BadgeAssembler()
    let outputs = keys.compactMap { assembler.accept($0, at: 0) }
    #expect(outputs == [.rejected(.corrupted(length: 3))])
  }

  @Test func reportsOfTheWrongLengthAreTypedErrors() {
    var decoder = HIDKeyboardDecoder()
    #expect(throws: HIDKeyboardReport.DecodeError.wrongLength(9)) {
      try decoder.decode([0, 0, 0, 0x1E, 0, 0, 0, 0, 0])
    }
    #expect(throws: HIDKeyboardReport.DecodeError.wrongLength(0)) { try decoder.decode([]) }
  }

  @Test func randomBytesNeverCrashTheDecoder() {
    var generator = SeededRandom(seed: 0xB0_07)
    var decoder = HIDKeyboardDecoder()
    var decodedKeys = 0
    for _ in 0..<20_000 {
      let length = generator.next() % 4 == 0 ? Int(generator.next() % 16) : 8
      let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      do {
        let keys = try decoder.decode(bytes)
        #expect(keys.count <= 6)
        decodedKeys += keys.count
      } catch {
        #expect(length != 8)
      }
    }
    #expect(decodedKeys > 0)
  }
}
