/// One key-down from a badge reader that types: a character of the ID, or the Enter that ends it.
/// Both keyboard paths (HID boot reports, evdev events) decode to this, so the assembler does not
/// care how the reader is attached.
public enum BadgeKey: Sendable, Equatable {
  case character(Character)
  case enter
  /// A key that types something no ID table here knows (a dot, a slash, a function key). Taking
  /// the line without it would hand the gate a different ID, so the line is void.
  case unrecognized
  /// The key stream lost events (the kernel's SYN_DROPPED after its buffer overflowed): the line
  /// being typed is void, whatever arrives before its Enter.
  case eventsLost

  /// Readers type as a US keyboard, the layout their firmware assumes.
  static let digitRow = Array("1234567890")
  static let shiftedDigitRow = Array("!@#$%^&*()")

  /// The digit row key at `index` (0 is "1", 9 is "0").
  static func digitRowKey(_ index: Int, shifted: Bool) -> BadgeKey {
    .character(shifted ? shiftedDigitRow[index] : digitRow[index])
  }

  /// The letter `offset` places after "a", upper case with shift held.
  static func letterKey(_ offset: Int, shifted: Bool) -> BadgeKey {
    let scalar = UnicodeScalar(UInt8((shifted ? 0x41 : 0x61) + offset))
    return .character(Character(scalar))
  }
}
