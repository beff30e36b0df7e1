import SystemPackage
import ThermoCore

#if canImport(Glibc)
  import Glibc
#endif

/// A badge reader that the kernel sees as a keyboard, read from its /dev/input/eventN node. The
/// node is grabbed (EVIOCGRAB) so the badge number goes to the gateway only, never to a console
/// or a login prompt; the grab is released and the node closed on `close()` or deinit.
///
/// Tested here through a pipe carrying real 24-byte `input_event` structs, with the same
/// poll/read/decode path. Not tested here, for this machine has no /dev/input: the grab on a real
/// event node, a second process's grab being refused (EBUSY), and ENODEV on unplugging.
public final class EvdevBadgeReader {
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case openFailed(path: String, errno: Int32)
    /// EBUSY: another process (a second gateway, a kiosk) already grabbed the reader.
    case grabFailed(path: String, errno: Int32)
    /// The reader was unplugged (ENODEV), or the other end of the stream closed.
    case disconnected(path: String)
    case readFailed(path: String, errno: Int32)
    case closed(path: String)

    public var description: String {
      switch self {
      case .openFailed(let path, let code):
        "cannot open badge reader \(path): \(Self.message(code))"
          + (code == EACCES ? "; the gateway needs read access to the input node (udev rule, group input)" : "")
      case .grabFailed(let path, let code):
        "cannot grab badge reader \(path) for the gateway alone: \(Self.message(code))"
          + (code == EBUSY ? "; another process holds it" : "")
      case .disconnected(let path): "badge reader \(path) is gone"
      case .readFailed(let path, let code): "reading badge reader \(path) failed: \(Self.message(code))"
      case .closed(let path): "badge reader \(path) was already closed"
      }
    }

    private static func message(_ code: Int32) -> String {
      guard let text = strerror(code) else { return "errno \(code)" }
      return "\(String(cString: text)) (errno \(code))"
    }
  }

  /// EVIOCGRAB from linux/input.h: `_IOW('E', 0x90, int)`.
  static let grabRequest = IoctlRequest.write(type: "E", number: 0x90, Int32.self)
  /// EVIOCSCLOCKID from linux/input.h: `_IOW('E', 0xa0, int)`, the clock events are stamped with.
  static let clockRequest = IoctlRequest.write(type: "E", number: 0xa0, Int32.self)
  static let eventsPerRead = 64

  public let path: String
  private var descriptor: FileDescriptor?
  private var isGrabbed: Bool
  /// The start of an event whose remaining bytes have not arrived (pipes; evdev reads whole
  /// events).
  private var partial: [UInt8] = []
  private var decoder = EvdevKeyDecoder()

  /// Opens and grabs an event node. `grab: false` is for watching a reader that must keep typing
  /// into the system as well, not for the gate.
  public convenience init(path: String, grab: Bool = true) throws(Failure) {
    let descriptor: FileDescriptor
    do {
      descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: [.nonBlocking, .closeOnExec])
    } catch {
      throw .openFailed(path: path, errno: (error as? Errno ?? .ioError).rawValue)
    }
    try self.init(adopting: descriptor.rawValue, name: path, grab: grab)
  }

  /// Takes ownership of an open descriptor: it is closed when this reader closes, and also when
  /// the grab fails. For event nodes opened elsewhere and for streams of recorded events.
  public init(adopting rawDescriptor: Int32, name: String, grab: Bool) throws(Failure) {
    let descriptor = FileDescriptor(rawValue: rawDescriptor)
    // EVIOCGRAB takes its int by value, not through a pointer: 1 grabs, 0 releases.
    if grab, ioctl(descriptor.rawValue, Self.grabRequest.rawValue, Int32(1)) != 0 {
      let code = errno
      try? descriptor.close()
      throw .grabFailed(path: name, errno: code)
    }
    self.descriptor = descriptor
    self.path = name
    self.isGrabbed = grab
    // Monotonic stamps, so a stepped wall clock cannot split or age a badge being typed; a
    // stream that is not an event node keeps the wall clock.
    var monotonic = Int32(CLOCK_MONOTONIC)
    eventClock =
      ioctl(descriptor.rawValue, Self.clockRequest.rawValue, &monotonic) == 0 ? CLOCK_MONOTONIC : CLOCK_REALTIME
  }

  /// The kernel clock the events' times are on.
  private let eventClock: clockid_t

  /// How long ago an event stamped `time` happened, on the clock it was stamped with.
  public func age(ofEventAt time: Seconds) -> Double {
    var now = timespec()
    clock_gettime(eventClock, &now)
    return max(0, Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9 - time)
  }

  deinit {
    close()
  }

  public var isOpen: Bool { descriptor != nil }

  /// Releases the grab and closes the node. Closing twice is harmless.
  public func close() {
    guard let descriptor else { return }
    if isGrabbed { _ = ioctl(descriptor.rawValue, Self.grabRequest.rawValue, Int32(0)) }
    try? descriptor.close()
    self.descriptor = nil
    isGrabbed = false
  }

  /// The events that arrive within `timeout` (none when it passes quietly), as many as one read
  /// returns.
  public func readEvents(timeout: Duration) throws(Failure) -> [EvdevKeyEvent] {
    guard let descriptor else { throw .closed(path: path) }
    do {
      guard case .ready = try Poll.wait(descriptor, for: .readable, timeout: timeout) else { return [] }
    } catch {
      throw .readFailed(path: path, errno: error.rawValue)
    }
    var buffer = [UInt8](repeating: 0, count: Self.eventsPerRead * EvdevKeyEvent.size)
    let count: Int
    do {
      count = try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
    } catch let error as Errno {
      // Ready but nothing to read: another reader of the node was faster.
      if error == .resourceTemporarilyUnavailable { return [] }
      if error == .operationNotSupportedByDevice { throw .disconnected(path: path) }  // ENODEV: unplugged
      throw .readFailed(path: path, errno: error.rawValue)
    } catch {
      throw .readFailed(path: path, errno: EIO)
    }
    // End of file: an event node never ends while its device is there; a stream's writer left.
    guard count > 0 else { throw .disconnected(path: path) }
    let bytes = partial + buffer.prefix(count)
    let (events, remainder) = EvdevKeyEvent.decodeAll(bytes)
    partial = Array(bytes.suffix(remainder))
    return events
  }

  /// The key-downs that arrive within `timeout`, each with the kernel's time of the event.
  public func readKeys(timeout: Duration) throws(Failure) -> [(key: BadgeKey, time: Seconds)] {
    try readEvents(timeout: timeout).compactMap { event in
      decoder.decode(event).map { ($0, event.time) }
    }
  }
}
