/// Turns evdev key events into key-downs: a press (value 1) types, autorepeat (2) and release (0)
/// do not, shift is tracked from its own press and release. Key codes are those of
/// linux/input-event-codes.h.
public struct EvdevKeyDecoder: Sendable {
  /// KEY_LEFTSHIFT, KEY_RIGHTSHIFT.
  public static let shiftCodes: Set<UInt16> = [42, 54]
  public static let enterCode: UInt16 = 28
  public static let keypadEnterCode: UInt16 = 96

  /// Ctrl, Alt, Meta and the lock keys type nothing by themselves.
  public static let silentCodes: Set<UInt16> = [29, 97, 56, 100, 125, 126, 58, 69, 70]
  /// SYN_DROPPED: the kernel's buffer overflowed and events were thrown away.
  public static let droppedCode: UInt16 = 3
  /// SYN_REPORT: the end of one batch of events.
  public static let reportCode: UInt16 = 0

  private var shiftsDown: Set<UInt16> = []
  private var discardingUntilReport = false

  public init() {}

  public mutating func decode(_ event: EvdevKeyEvent) -> BadgeKey? {
    if event.type == EvdevKeyEvent.synchronization {
      // After SYN_DROPPED the kernel's documentation says to ignore events up to the next
      // SYN_REPORT; the key state is unknown, so shift starts released.
      if event.code == Self.droppedCode {
        discardingUntilReport = true
        shiftsDown = []
        return .eventsLost
      }
      if event.code == Self.reportCode { discardingUntilReport = false }
      return nil
    }
    guard event.type == EvdevKeyEvent.key, !discardingUntilReport else { return nil }
    if Self.shiftCodes.contains(event.code) {
      if event.value == 0 { shiftsDown.remove(event.code) } else { shiftsDown.insert(event.code) }
      return nil
    }
    // A reader never holds a key; autorepeat would type a digit twice.
    guard event.value == 1 else { return nil }
    return Self.badgeKey(code: event.code, shifted: !shiftsDown.isEmpty)
  }

  /// The letters in the order of their key codes: KEY_Q 16…KEY_P 25, KEY_A 30…KEY_L 38,
  /// KEY_Z 44…KEY_M 50.
  private static let letterRows: [(first: UInt16, letters: String)] = [
    (16, "qwertyuiop"), (30, "asdfghjkl"), (44, "zxcvbnm"),
  ]
  /// KEY_KP7 71 … KEY_KP0 82; 74 (minus) and 78 (plus) are not digits.
  private static let keypad: [UInt16: Character] = [
    71: "7", 72: "8", 73: "9", 75: "4", 76: "5", 77: "6", 79: "1", 80: "2", 81: "3", 82: "0",
  ]

  public static func badgeKey(code: UInt16, shifted: Bool) -> BadgeKey? {
    switch code {
    // KEY_1 2 … KEY_9 10, KEY_0 11.
    case 2...11: return BadgeKey.digitRowKey(Int(code - 2), shifted: shifted)
    case enterCode, keypadEnterCode: return .enter
    case 12: return .character(shifted ? "_" : "-")
    case 57: return .character(" ")
    default: break
    }
    if let digit = keypad[code] { return .character(digit) }
    for row in letterRows where (row.first..<row.first + UInt16(row.letters.count)).contains(code) {
      let letter = Array(row.letters)[Int(code - row.first)]
      return .character(shifted ? Character(letter.uppercased()) : letter)
    }
    return silentCodes.contains(code) || shiftCodes.contains(code) ? nil : .unrecognized
  }
}
