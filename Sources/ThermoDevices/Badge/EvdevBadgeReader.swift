import Glibc
import ThermoCore

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

  /// _IOW('E', 0x90, int) from linux/input.h.
  static let grabRequest: UInt = 0x4004_4590
  static let eventsPerRead = 64

  public let path: String
  private var descriptor: Int32
  private var isGrabbed: Bool
  /// The start of an event whose remaining bytes have not arrived (pipes; evdev reads whole
  /// events).
  private var partial: [UInt8] = []
  private var decoder = EvdevKeyDecoder()

  /// Opens and grabs an event node. `grab: false` is for watching a reader that must keep typing
  /// into the system as well, not for the gate.
  public convenience init(path: String, grab: Bool = true) throws(Failure) {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw .openFailed(path: path, errno: errno) }
    try self.init(adopting: descriptor, name: path, grab: grab)
  }

  /// Takes ownership of an open descriptor: it is closed when this reader closes, and also when
  /// the grab fails. For event nodes opened elsewhere and for streams of recorded events.
  public init(adopting descriptor: Int32, name: String, grab: Bool) throws(Failure) {
    if grab, ioctl(descriptor, Self.grabRequest, Int32(1)) != 0 {
      let code = errno
      Glibc.close(descriptor)
      throw .grabFailed(path: name, errno: code)
    }
    self.descriptor = descriptor
    self.path = name
    self.isGrabbed = grab
  }

  deinit {
    close()
  }

  public var isOpen: Bool { descriptor >= 0 }

  /// Releases the grab and closes the node. Closing twice is harmless.
  public func close() {
    guard descriptor >= 0 else { return }
    if isGrabbed { _ = ioctl(descriptor, Self.grabRequest, Int32(0)) }
    Glibc.close(descriptor)
    descriptor = -1
    isGrabbed = false
  }

  /// The events that arrive within `timeout` (none when it passes quietly), as many as one read
  /// returns.
  public func readEvents(timeout: Duration) throws(Failure) -> [EvdevKeyEvent] {
    guard descriptor >= 0 else { throw .closed(path: path) }
    var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    let ready = poll(&poller, 1, Self.milliseconds(timeout))
    if ready < 0 {
      if errno == EINTR { return [] }
      throw .readFailed(path: path, errno: errno)
    }
    guard ready > 0 else { return [] }
    var buffer = [UInt8](repeating: 0, count: Self.eventsPerRead * EvdevKeyEvent.size)
    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    if count < 0 {
      let code = errno
      if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return [] }
      if code == ENODEV { throw .disconnected(path: path) }
      throw .readFailed(path: path, errno: code)
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

  static func milliseconds(_ duration: Duration) -> Int32 { duration.pollMilliseconds }
}
