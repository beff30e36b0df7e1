import ThermoCore
import ThermoDevices

/// A USB badge reader (RFID or barcode) that acts as a keyboard: it types the card number and
/// Enter. It produces the exact bytes such a reader sends, as boot keyboard reports on its
/// interrupt endpoint and as the input events the kernel then writes to /dev/input/eventN. Its
/// tables are written from the specifications (HID usage tables §10, linux/input-event-codes.h),
/// not taken from the decoders under test.
public struct BadgeReaderModel: Sendable {
  public enum Terminator: Sendable {
    case enter
    case keypadEnter
  }

  public struct UntypeableCharacter: Error, Sendable, Equatable {
    public var character: Character
  }

  public var terminator = Terminator.enter
  /// Digits from the keypad, as some readers send them.
  public var typesKeypadDigits = false
  /// Time from one key event to the next.
  public var keyInterval: Seconds = 0.004

  public init() {}

  /// Press and release reports for each character, then for the terminator; upper case with the
  /// left shift modifier held.
  public func bootReports(typing text: String) throws(UntypeableCharacter) -> [[UInt8]] {
    var reports: [[UInt8]] = []
    for stroke in try strokes(text) {
      let modifiers: UInt8 = stroke.shifted ? 0x02 : 0x00
      reports.append([modifiers, 0, stroke.usage, 0, 0, 0, 0, 0])
      reports.append([0, 0, 0, 0, 0, 0, 0, 0])
    }
    return reports
  }

  /// The input events the kernel writes for the same typing, starting at `time`: per key
  /// EV_MSC/MSC_SCAN with the HID usage, EV_KEY press, EV_SYN, then the same for the release;
  /// shift as its own key around upper-case letters. 24 bytes each, in host byte order.
  public func evdevEvents(typing text: String, startingAt time: Seconds) throws(UntypeableCharacter) -> [[UInt8]] {
    var events: [[UInt8]] = []
    var now = time
    func key(_ code: UInt16, usage: UInt32, value: Int32) {
      events.append(Self.event(at: now, type: 0x04, code: 0x04, value: Int32(bitPattern: 0x0007_0000 | usage)))
      events.append(Self.event(at: now, type: 0x01, code: code, value: value))
      events.append(Self.event(at: now, type: 0x00, code: 0x00, value: 0))
      now += keyInterval
    }
    for stroke in try strokes(text) {
      if stroke.shifted { key(Self.leftShift, usage: 0xE1, value: 1) }
      key(stroke.code, usage: UInt32(stroke.usage), value: 1)
      key(stroke.code, usage: UInt32(stroke.usage), value: 0)
      if stroke.shifted { key(Self.leftShift, usage: 0xE1, value: 0) }
    }
    return events
  }

  /// One `struct input_event` as a 64-bit kernel lays it out.
  public static func event(at time: Seconds, type: UInt16, code: UInt16, value: Int32) -> [UInt8] {
    let seconds = Int64(time.rounded(.down))
    let microseconds = min(Int64(((time - Double(seconds)) * 1_000_000).rounded()), 999_999)
    return bytes(of: seconds) + bytes(of: microseconds) + bytes(of: type) + bytes(of: code) + bytes(of: value)
  }

  private static func bytes<Value: FixedWidthInteger>(of value: Value) -> [UInt8] {
    withUnsafeBytes(of: value) { Array($0) }
  }

  private struct Stroke {
    var usage: UInt8
    var code: UInt16
    var shifted: Bool
  }

  static let leftShift: UInt16 = 42
  /// KEY_A … KEY_Z.
  private static let letterCodes: [UInt16] = [
    30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50, 49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44,
  ]
  /// KEY_1 … KEY_9, KEY_0 and KEY_KP1 … KEY_KP9, KEY_KP0.
  private static let digitCodes: [UInt16] = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
  private static let keypadCodes: [UInt16] = [79, 80, 81, 75, 76, 77, 71, 72, 73, 82]

  private func strokes(_ text: String) throws(UntypeableCharacter) -> [Stroke] {
    var strokes: [Stroke] = []
    for character in text {
      guard let ascii = character.asciiValue else { throw UntypeableCharacter(character: character) }
      switch ascii {
      case 0x61...0x7A:
        let index = Int(ascii - 0x61)
        strokes.append(Stroke(usage: 0x04 + UInt8(index), code: Self.letterCodes[index], shifted: false))
      case 0x41...0x5A:
        let index = Int(ascii - 0x41)
        strokes.append(Stroke(usage: 0x04 + UInt8(index), code: Self.letterCodes[index], shifted: true))
      case 0x30...0x39:
        // "1" is the first key of the row and "0" the last.
        let index = ascii == 0x30 ? 9 : Int(ascii - 0x31)
        strokes.append(
          typesKeypadDigits
            ? Stroke(usage: 0x59 + UInt8(index), code: Self.keypadCodes[index], shifted: false)
            : Stroke(usage: 0x1E + UInt8(index), code: Self.digitCodes[index], shifted: false))
      default:
        throw UntypeableCharacter(character: character)
      }
    }
    switch terminator {
    case .enter: strokes.append(Stroke(usage: 0x28, code: 28, shifted: false))
    case .keypadEnter: strokes.append(Stroke(usage: 0x58, code: 96, shifted: false))
    }
    return strokes
  }
}
