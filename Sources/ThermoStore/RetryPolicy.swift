/// When to try a failed delivery again: exponential backoff with a cap and jitter, so a sink
/// that is down is not hammered and many gateways do not retry in step. Pure: the random part
/// is passed in.
public struct RetryPolicy: Sendable, Equatable {
  public var initialDelay: Double
  public var multiplier: Double
  public var maximumDelay: Double
  /// The share of a delay that is random: 0.2 spreads a 10 s delay over 8–12 s.
  public var jitter: Double

  public init(initialDelay: Double = 1, multiplier: Double = 2, maximumDelay: Double = 300, jitter: Double = 0.2) {
    self.initialDelay = initialDelay
    self.multiplier = multiplier
    self.maximumDelay = maximumDelay
    self.jitter = jitter
  }

  /// Seconds to wait after the `attempt`-th failure (1 for the first), given a uniform random
  /// number in 0..<1.
  public func delay(afterAttempt attempt: Int, random: Double) -> Double {
    var base = initialDelay
    for _ in 1..<max(1, attempt) {
      base *= multiplier
      if base >= maximumDelay { break }
    }
    base = min(base, maximumDelay)
    let spread = base * jitter
    return max(0, base - spread + 2 * spread * min(max(random, 0), 1))
  }
}
