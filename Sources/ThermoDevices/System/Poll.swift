import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// poll(2), the one way the driver layer waits on a descriptor.
///
/// Every wait runs against a deadline: a signal (EINTR) polls again with the time that is left,
/// so a stream of signals can neither stretch the wait nor cut it short. A deadline already
/// passed, or a negative timeout, is a non-blocking check (poll with 0), never poll's "forever".
public enum Poll {
  /// What to wait for, and what a descriptor reported (`pollfd.events` and `revents`).
  public struct Events: OptionSet, Sendable, Hashable {
    public var rawValue: Int16

    public init(rawValue: Int16) {
      self.rawValue = rawValue
    }

    /// Data to read, or end of file. The corresponding C constant is `POLLIN`.
    public static let readable = Events(rawValue: Int16(POLLIN))
    /// Room to write. The corresponding C constant is `POLLOUT`.
    public static let writable = Events(rawValue: Int16(POLLOUT))
    /// Urgent data. The corresponding C constant is `POLLPRI`.
    public static let priority = Events(rawValue: Int16(POLLPRI))
    /// Reported only. The corresponding C constant is `POLLERR`.
    public static let error = Events(rawValue: Int16(POLLERR))
    /// Reported only: the other side hung up. The corresponding C constant is `POLLHUP`.
    public static let hangUp = Events(rawValue: Int16(POLLHUP))
    /// Reported only: the descriptor is not open. The corresponding C constant is `POLLNVAL`.
    public static let invalid = Events(rawValue: Int16(POLLNVAL))
  }

  /// How a wait on one descriptor ended.
  public enum Outcome: Sendable, Hashable {
    /// What the descriptor reported; may hold `error` or `hangUp` without what was asked for.
    case ready(Events)
    case timedOut
  }

  /// One descriptor of a wait on several.
  public struct Request: Sendable, Hashable {
    public var descriptor: FileDescriptor
    public var events: Events

    public init(_ descriptor: FileDescriptor, for events: Events) {
      self.descriptor = descriptor
      self.events = events
    }
  }

  /// Waits at most `timeout` for `events` on `descriptor`.
  /// - Throws: `Errno` for what poll(2) reports other than EINTR (ENOMEM, EINVAL, EFAULT).
  public static func wait(_ descriptor: FileDescriptor, for events: Events, timeout: Duration) throws(Errno)
    -> Outcome
  {
    try wait(descriptor, for: events, until: deadline(after: timeout, from: .now))
  }

  /// Waits until `deadline` for `events` on `descriptor`.
  /// - Throws: `Errno` for what poll(2) reports other than EINTR.
  public static func wait(_ descriptor: FileDescriptor, for events: Events, until deadline: ContinuousClock.Instant)
    throws(Errno) -> Outcome
  {
    let reported = try wait([Request(descriptor, for: events)], until: deadline)
    return reported?.first.map(Outcome.ready) ?? .timedOut
  }

  /// Waits at most `timeout` until one of `requests` is ready.
  /// - Returns: What each descriptor reported, in the order of `requests` (empty for the ones
  ///   not ready), or nil when the time ran out.
  /// - Throws: `Errno` for what poll(2) reports other than EINTR.
  public static func wait(_ requests: [Request], timeout: Duration) throws(Errno) -> [Events]? {
    try wait(requests, until: deadline(after: timeout, from: .now))
  }

  /// Waits until `deadline` until one of `requests` is ready.
  /// - Returns: What each descriptor reported, in the order of `requests` (empty for the ones
  ///   not ready), or nil when the time ran out.
  /// - Throws: `Errno` for what poll(2) reports other than EINTR.
  public static func wait(_ requests: [Request], until deadline: ContinuousClock.Instant) throws(Errno) -> [Events]? {
    try wait(requests, until: deadline, now: { .now }, kernel: systemPoll)
  }

  /// The wait itself, with the clock and the system call passed in so tests can play the
  /// kernel (an EINTR at a chosen moment) the way swift-system's mocking does.
  static func wait(
    _ requests: [Request], until deadline: ContinuousClock.Instant, now: () -> ContinuousClock.Instant,
    kernel: (inout [pollfd], Int32) -> (result: Int32, errno: Int32)
  ) throws(Errno) -> [Events]? {
    var table = requests.map { pollfd(fd: $0.descriptor.rawValue, events: $0.events.rawValue, revents: 0) }
    while true {
      let (result, code) = kernel(&table, milliseconds(until: deadline, from: now()))
      if result > 0 { return table.map { Events(rawValue: $0.revents) } }
      if result == 0 { return nil }
      // Interrupted: the loop recomputes what is left of the deadline rather than starting over.
      guard code == EINTR else { throw Errno(rawValue: code) }
    }
  }

  /// poll(2)'s timeout argument for the time left until `deadline`: 0 once it has passed.
  static func milliseconds(until deadline: ContinuousClock.Instant, from now: ContinuousClock.Instant) -> Int32 {
    now.duration(to: deadline).pollMilliseconds
  }

  /// `now + timeout`, with a negative timeout meaning now (a non-blocking check).
  static func deadline(after timeout: Duration, from now: ContinuousClock.Instant) -> ContinuousClock.Instant {
    now + max(timeout, .zero)
  }

  private static func systemPoll(_ table: inout [pollfd], _ milliseconds: Int32) -> (result: Int32, errno: Int32) {
    let result = table.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
    return (result, result < 0 ? errno : 0)
  }
}
