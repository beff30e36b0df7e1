import Foundation

/// SplitMix64: a small, fast generator whose sequence is fixed by its seed, so a simulated
/// entrance replays the same people for the same `--seed`.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A normally distributed value (Box–Muller).
  public mutating func normal(mean: Double, standardDeviation: Double) -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
    let u2 = Double.random(in: 0..<1, using: &self)
    return mean + standardDeviation * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
  }

  /// Waiting time to the next event of a Poisson process with `rate` events per unit.
  public mutating func exponential(rate: Double) -> Double {
    -log(Double.random(in: Double.ulpOfOne..<1, using: &self)) / rate
  }
}
