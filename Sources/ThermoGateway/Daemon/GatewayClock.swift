import Foundation

/// The daemon's time: wall-clock seconds, or, in the demo, time running `speed` times faster
/// from the moment it started (simulated people then walk by faster too). Waits are scaled the
/// same way, so a sampling interval stays the same in gateway time.
public struct GatewayClock: Sendable {
  public let speed: Double
  private let origin: Double

  public init(speed: Double = 1) {
    self.speed = max(speed, 0.001)
    origin = Date().timeIntervalSince1970
  }

  public func now() -> Double {
    let wall = Date().timeIntervalSince1970
    return origin + (wall - origin) * speed
  }

  /// Real seconds for `seconds` of gateway time.
  public func realSeconds(_ seconds: Double) -> Double { seconds / speed }
}
