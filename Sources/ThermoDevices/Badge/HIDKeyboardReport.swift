/// An 8-byte boot keyboard input report (HID 1.11 appendix B.1): modifier bits, a reserved
/// byte, then up to six usage IDs of the keys held down.
public struct HIDKeyboardReport: Sendable, Equatable {
  public static let size = 8
  /// Left shift (bit 1) and right shift (bit 5) of the modifier byte.
  public static let shiftModifiers: UInt8 = 0x22

  public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(Int)

    public var description: String {
      switch self {
      case .wrongLength(let count): "keyboard report of \(count) bytes, a boot keyboard report has 8"
      }
    }
  }

  public var modifiers: UInt8
  /// The usage IDs held down, in report order, without the empty (0) slots.
  public var keys: [UInt8]

  public init(modifiers: UInt8, keys: [UInt8]) {
    self.modifiers = modifiers
    self.keys = keys
  }

  public init(bytes: [UInt8]) throws(DecodeError) {
    guard bytes.count == Self.size else { throw .wrongLength(bytes.count) }
    modifiers = bytes[0]
    keys = bytes[2...].filter { $0 != 0 }
  }

  public var isShifted: Bool { modifiers & Self.shiftModifiers != 0 }

  /// ErrorRollOver (1), POSTFail (2), ErrorUndefined (3): the keyboard could not say which keys
  /// are down. Such a report says nothing about key changes.
  public var isErrorReport: Bool { keys.contains { (0x01...0x03).contains($0) } }

  /// What a usage ID types: letters 0x04–0x1D, digit row 0x1E–0x27 ("1"…"9", "0"), Enter 0x28,
  /// keypad Enter 0x58, keypad digits 0x59–0x62 ("1"…"9", "0"), space 0x2C, minus 0x2D. Lock
  /// keys type nothing; any other key is `unrecognized`, which voids the line.
  public static func badgeKey(usage: UInt8, shifted: Bool) -> BadgeKey? {
    switch usage {
    case 0x04...0x1D: BadgeKey.letterKey(Int(usage - 0x04), shifted: shifted)
    case 0x1E...0x27: BadgeKey.digitRowKey(Int(usage - 0x1E), shifted: shifted)
    case 0x28, 0x58: .enter
    case 0x2C: .character(" ")
    case 0x2D: .character(shifted ? "_" : "-")
    // The keypad types digits whatever shift says (with Num Lock on, which readers assume).
    case 0x59...0x62: BadgeKey.digitRowKey(Int(usage - 0x59), shifted: false)
    // Caps Lock, Scroll Lock, Num Lock: readers toggle them (some to sense the host's state).
    case 0x39, 0x47, 0x53: nil
    default: .unrecognized
    }
  }
}
