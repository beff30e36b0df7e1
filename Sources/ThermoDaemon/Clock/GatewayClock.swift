import Foundation
import ThermoCore

/// The daemon's one clock. Two times, never mixed:
/// - **monotonic** gateway seconds for every interval, deadline, warm-up, hold, backoff and
///   sampling tick. They never step when NTP (or a technician) sets the wall clock. They are
///   anchored at the wall time the clock was made, so they read like wall times in logs;
/// - **wall** seconds since 1970, only to stamp records and to find local midnight.
///
/// In the demo both run `speed` times faster from the moment the clock was made (simulated people
/// walk by faster too); waits are scaled the same way, so a sampling interval stays the same in
/// gateway time. Tests use a `ManualTime` source and move time themselves.
public struct GatewayClock: Sendable {
  public let speed: Double
  private let source: any TimeSource
  private let originWall: Double
  private let originMonotonic: Double

  public init(speed: Double = 1) {
    self.init(source: SystemTime(), speed: speed)
  }

  public init(source: any TimeSource, speed: Double = 1) {
    self.source = source
    self.speed = max(speed, 0.001)
    originWall = source.wall()
    originMonotonic = source.monotonic()
  }

  /// Monotonic gateway seconds.
  public func monotonicNow() -> Seconds {
    originWall + (source.monotonic() - originMonotonic) * speed
  }

  /// Wall-clock gateway seconds since 1970: for stamping records only.
  public func wallNow() -> Seconds {
    speed == 1 ? source.wall() : originWall + (source.wall() - originWall) * speed
  }

  /// The wall time at which a monotonic instant happened (or will), by today's wall clock:
  /// records of an event are stamped with the wall clock as it reads now, even after a step.
  public func wallTime(ofMonotonic instant: Seconds) -> Seconds {
    wallNow() - (monotonicNow() - instant)
  }

  /// Real seconds for `seconds` of gateway time.
  private func realSeconds(_ seconds: Double) -> Double { seconds / speed }

  /// Blocks the calling thread — a device thread, never the cooperative pool — until the
  /// monotonic `deadline`, or at most `limit` of real time (so the caller can look for a stop
  /// request). Returns at once for a deadline that has passed.
  public func sleep(untilMonotonic deadline: Seconds, atMost limit: Duration) {
    let remaining = realSeconds(deadline - monotonicNow())
    guard remaining > 0 else { return }
    source.sleep(untilMonotonic: source.monotonic() + remaining, atMost: limit)
  }

  /// Suspends the task until the monotonic `deadline`.
  public func sleep(untilMonotonic deadline: Seconds) async throws {
    let remaining = realSeconds(deadline - monotonicNow())
    guard remaining > 0 else { return }
    try await source.sleep(untilMonotonic: source.monotonic() + remaining)
  }
}

/// Where a `GatewayClock` reads time: the system's clocks, or a test's hand.
public protocol TimeSource: Sendable {
  /// Seconds on a clock that never steps (any origin).
  func monotonic() -> Double
  /// Seconds since 1970 on the wall clock.
  func wall() -> Double
  /// Blocks until `monotonic()` reaches `deadline`, or at most `limit` of real time.
  func sleep(untilMonotonic deadline: Double, atMost limit: Duration)
  /// Suspends until `monotonic()` reaches `deadline`.
  func sleep(untilMonotonic deadline: Double) async throws
}

/// The system's clocks: `ContinuousClock` (never steps) and the wall clock.
public struct SystemTime: TimeSource {
  public init() {}

  public func monotonic() -> Double {
    ContinuousClock.Instant.zeroReference.duration(to: .now).seconds
  }

  public func wall() -> Double { Date().timeIntervalSince1970 }

  public func sleep(untilMonotonic deadline: Double, atMost limit: Duration) {
    let wait = min(deadline - monotonic(), limit.seconds)
    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
  }

  public func sleep(untilMonotonic deadline: Double) async throws {
    let wait = deadline - monotonic()
    if wait > 0 { try await Task.sleep(for: .nanoseconds(Int64(wait * 1e9))) }
  }
}

extension ContinuousClock.Instant {
  /// A fixed instant to measure from (the clock's own origin is not exposed).
  fileprivate static let zeroReference = ContinuousClock.now
}

extension Duration {
  /// The duration in seconds, as the clocks count them.
  public var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
