/// Waits between reconnection attempts: doubling from `initial` up to `maximum`, so a device
/// that is gone for good costs little and one that comes back is found quickly.
public struct Backoff: Sendable {
  public let initial: Double
  public let maximum: Double
  private var current: Double

  public init(initial: Double = 0.5, maximum: Double = 8) {
    self.initial = initial
    self.maximum = maximum
    current = initial
  }

  /// Seconds to wait before the next attempt.
  public mutating func next() -> Double {
    defer { current = min(current * 2, maximum) }
    return current
  }

  public mutating func reset() {
    current = initial
  }
}
