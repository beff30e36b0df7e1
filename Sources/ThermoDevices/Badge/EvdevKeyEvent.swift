import ThermoCore

/// Linux `struct input_event` as read from /dev/input/eventN on a 64-bit kernel: a 16-byte
/// timeval (seconds, microseconds), u16 type, u16 code, s32 value, 24 bytes in the host's byte
/// order (linux/input.h).
public struct EvdevKeyEvent: Sendable, Equatable {
  public static let size = 24
  /// EV_SYN, EV_KEY and EV_MSC (linux/input-event-codes.h).
  public static let synchronization: UInt16 = 0x00
  public static let key: UInt16 = 0x01
  public static let miscellaneous: UInt16 = 0x04

  public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case wrongLength(Int)

    public var description: String {
      switch self {
      case .wrongLength(let count): "input event of \(count) bytes, expected 24"
      }
    }
  }

  public var seconds: Int64
  public var microseconds: Int64
  public var type: UInt16
  public var code: UInt16
  /// For EV_KEY: 1 press, 2 autorepeat, 0 release.
  public var value: Int32

  public init(seconds: Int64, microseconds: Int64, type: UInt16, code: UInt16, value: Int32) {
    self.seconds = seconds
    self.microseconds = microseconds
    self.type = type
    self.code = code
    self.value = value
  }

  public init(bytes: some Collection<UInt8>) throws(DecodeError) {
    guard bytes.count == Self.size else { throw .wrongLength(bytes.count) }
    let raw = Array(bytes)
    // Host byte order, as the kernel writes the struct; loadUnaligned because the bytes come from
    // an arbitrary offset of a read buffer.
    (seconds, microseconds, type, code, value) = raw.withUnsafeBytes { buffer in
      (
        buffer.loadUnaligned(fromByteOffset: 0, as: Int64.self),
        buffer.loadUnaligned(fromByteOffset: 8, as: Int64.self),
        buffer.loadUnaligned(fromByteOffset: 16, as: UInt16.self),
        buffer.loadUnaligned(fromByteOffset: 18, as: UInt16.self),
        buffer.loadUnaligned(fromByteOffset: 20, as: Int32.self)
      )
    }
  }

  /// The kernel's timestamp of the event (CLOCK_REALTIME unless the reader changed the clock).
  public var time: Seconds { Double(seconds) + Double(microseconds) / 1_000_000 }

  /// Whole events from the front of `bytes`, and how many bytes after them belong to an event
  /// not complete yet.
  public static func decodeAll(_ bytes: [UInt8]) -> (events: [EvdevKeyEvent], remainder: Int) {
    let whole = bytes.count / size
    var events: [EvdevKeyEvent] = []
    events.reserveCapacity(whole)
    for index in 0..<whole {
      let start = index * size
      if let event = try? EvdevKeyEvent(bytes: bytes[start..<start + size]) { events.append(event) }
    }
    return (events, bytes.count - whole * size)
  }
}
