import Testing
import ThermoSimulation

@testable import ThermoDevices

/// `struct input_event` bytes written out by hand (x86-64 and arm64 are little-endian) and key
/// codes from linux/input-event-codes.h.
@Suite struct EvdevKeyDecoderTests {
  func bytes(seconds: Int64 = 1_700_000_000, microseconds: Int64 = 250_000, type: UInt16, code: UInt16, value: Int32)
    -> [UInt8]
  {
    func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
      (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
    return le(seconds) + le(microseconds) + le(type) + le(code) + le(value)
  }

  @Test func anEventDecodesFieldByField() throws {
    let raw: [UInt8] = [
      0x00, 0xF1, 0x53, 0x65, 0, 0, 0, 0,  // 1_700_000_000 s
      0x90, 0xD0, 0x03, 0, 0, 0, 0, 0,  // 250_000 µs
      0x01, 0x00,  // EV_KEY
      0x1C, 0x00,  // KEY_ENTER
      0x01, 0x00, 0x00, 0x00,  // press
    ]
    #expect(raw == bytes(type: 1, code: 28, value: 1))
    let event = try EvdevKeyEvent(bytes: raw)
    #expect(event == EvdevKeyEvent(seconds: 1_700_000_000, microseconds: 250_000, type: 1, code: 28, value: 1))
    #expect(event.time == 1_700_000_000.25)
    #expect(throws: EvdevKeyEvent.DecodeError.wrongLength(23)) { try EvdevKeyEvent(bytes: raw.dropLast()) }
  }

  @Test func aNegativeValueKeepsItsSign() throws {
    #expect(try EvdevKeyEvent(bytes: bytes(type: 2, code: 8, value: -1)).value == -1)
  }

  @Test func decodeAllKeepsTheTailOfAnUnfinishedEvent() {
    let stream = bytes(type: 1, code: 2, value: 1) + bytes(type: 0, code: 0, value: 0) + [1, 2, 3]
    let (events, remainder) = EvdevKeyEvent.decodeAll(stream)
    #expect(events.map(\.code) == [2, 0])
    #expect(remainder == 3)
  }

  @Test(arguments: [
    (UInt16(2), BadgeKey.character("1")), (10, .character("9")), (11, .character("0")), (30, .character("a")),
    (16, .character("q")), (25, .character("p")), (38, .character("l")), (44, .character("z")), (50, .character("m")),
    (28, .enter), (96, .enter), (79, .character("1")), (73, .character("9")), (82, .character("0")),
  ])
  func keyCodesTypeTheirCharacters(code: UInt16, key: BadgeKey) {
    var decoder = EvdevKeyDecoder()
    #expect(decoder.decode(EvdevKeyEvent(seconds: 0, microseconds: 0, type: 1, code: code, value: 1)) == key)
  }

  @Test func onlyPressesTypeAndShiftIsTracked() {
    var decoder = EvdevKeyDecoder()
    func key(_ code: UInt16, _ value: Int32, type: UInt16 = 1) -> BadgeKey? {
      decoder.decode(EvdevKeyEvent(seconds: 0, microseconds: 0, type: type, code: code, value: value))
    }
    #expect(key(30, 1) == .character("a"))
    #expect(key(30, 2) == nil)  // autorepeat
    #expect(key(30, 0) == nil)  // release
    #expect(key(42, 1) == nil)  // left shift down
    #expect(key(30, 1) == .character("A"))
    #expect(key(42, 0) == nil)
    #expect(key(30, 1) == .character("a"))
    #expect(key(54, 1) == nil)  // right shift down
    #expect(key(48, 1) == .character("B"))
    #expect(key(54, 0) == nil)
    // EV_MSC scan codes and EV_SYN reports are not keys, even with a key's code.
    #expect(key(4, 0x7_001E, type: 4) == nil)
    #expect(key(30, 1, type: 0) == nil)
    // Keys that are no part of an ID void the line; modifiers and locks type nothing.
    #expect(key(1, 1) == .unrecognized)  // KEY_ESC
    #expect(key(59, 1) == .unrecognized)  // KEY_F1
    #expect(key(52, 1) == .unrecognized)  // KEY_DOT
    #expect(key(29, 1) == nil)  // KEY_LEFTCTRL
    #expect(key(69, 1) == nil)  // KEY_NUMLOCK
  }

  @Test func eventsLostMidLineVoidTheLineAndReleaseShift() {
    var decoder = EvdevKeyDecoder()
    func event(_ type: UInt16, _ code: UInt16, _ value: Int32) -> EvdevKeyEvent {
      EvdevKeyEvent(seconds: 0, microseconds: 0, type: type, code: code, value: value)
    }
    var keys: [BadgeKey] = []
    let stream = [
      event(1, 42, 1), event(1, 2, 1), event(1, 2, 0),  // shift held, "!"
      event(0, 3, 0),  // SYN_DROPPED: the shift release was among the lost events
      event(1, 3, 1),  // ignored up to the next SYN_REPORT
      event(0, 0, 0),
      event(1, 4, 1), event(1, 28, 1),  // "3", Enter
    ]
    for item in stream { if let key = decoder.decode(item) { keys.append(key) } }
    #expect(keys == [.character("!"), .eventsLost, .character("3"), .enter])
    var assembler = BadgeAssembler()
    #expect(keys.compactMap { assembler.accept($0, at: 0) } == [.rejected(.corrupted(length: 3))])
  }

  @Test func randomBytesNeverCrashTheEventDecoder() {
    var generator = SeededRandom(seed: 0xE7_E7)
    var decoder = EvdevKeyDecoder()
    var typed = 0
    for round in 0..<2_000 {
      var bytes = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      // Every other stream is made of key presses with random low codes, so decoding is fuzzed too.
      if round % 2 == 0 {
        for start in stride(from: 0, to: bytes.count - 23, by: 24) {
          bytes.replaceSubrange(start + 16..<start + 24, with: [1, 0, bytes[start + 18], 0, 1, 0, 0, 0])
        }
      }
      let (events, remainder) = EvdevKeyEvent.decodeAll(bytes)
      #expect(events.count * 24 + remainder == bytes.count)
      typed += events.compactMap { decoder.decode($0) }.count
    }
    #expect(typed > 0)
  }
}
