/// How a per-entrance detector decides that a person is there and that their reading is stable.
public struct DetectorConfiguration: Sendable, Equatable {
  public enum BurstValue: String, Sendable, Equatable, CaseIterable {
    case median
    case maximum
  }

  /// A subject is present when the object reading is at least this far above the sensor ambient.
  public var presenceMarginC: Celsius = 2.0
  /// …and leaves when it falls below ambient + this margin (hysteresis against flicker).
  public var departureMarginC: Celsius = 1.0
  /// Consecutive below-margin samples that confirm the subject has left.
  public var departureSamples: Int = 2
  /// Object readings that can be skin at all; others neither start nor extend a burst.
  public var plausibleSkinRangeC: ClosedRange<Celsius> = 20.0...60.0
  /// A stable burst: at least this many valid samples…
  public var minimumBurstSamples: Int = 3
  /// …spanning no more than this time…
  public var burstWindow: Seconds = 1.0
  /// …whose highest and lowest readings differ by at most this much.
  public var maximumSpreadC: Celsius = 0.2
  public var burstValue: BurstValue = .median
  /// A pause between samples longer than this breaks a burst in two.
  public var maximumSampleGap: Seconds = 0.5
  /// A pause longer than this means the subject has gone (the stream stalled or the device was away).
  public var departureGap: Seconds = 2.0
  /// Consecutive flagged or non-finite samples that make a sensor fault.
  public var errorSamplesForFault: Int = 3
  /// An object reading repeated exactly this many times in a row, over at least
  /// `stuckMinimumDuration`, is a stuck sensor: real sensors always show some noise.
  public var stuckSampleCount: Int = 50
  public var stuckMinimumDuration: Seconds = 5.0
  /// With nobody in view, object and ambient frozen together this long is a stuck sensor.
  public var stuckIdleDuration: Seconds = 60.0
  /// A screened subject is forgotten after a pause in the stream this long (the next reading
  /// starts a new pass); shorter pauses keep the pass, so nobody is screened twice.
  public var screenedPassTimeout: Seconds = 10.0
  /// A badge announced while nobody is in view waits this long for its subject to step up.
  public var badgeHoldTime: Seconds = 60.0
  /// Most samples one burst keeps; fixes the detector's memory, allocated once.
  public var burstCapacity: Int = 64

  public init() {}

  /// Checks the values against each other and names the first field that is wrong.
  public func validated() throws(ScreeningConfigurationError) -> DetectorConfiguration {
    func require(_ condition: Bool, _ field: String, _ message: String) throws(ScreeningConfigurationError) {
      if !condition { throw ScreeningConfigurationError(field: field, message: message) }
    }
    try require(presenceMarginC > 0 && presenceMarginC.isFinite, "presence_margin_c", "must be a positive number of °C")
    try require(
      departureMarginC >= 0 && departureMarginC < presenceMarginC, "departure_margin_c",
      "(\(departureMarginC)) must be at least 0 and below presence_margin_c (\(presenceMarginC))")
    try require(departureSamples >= 1, "departure_samples", "must be at least 1")
    try require(minimumBurstSamples >= 1, "minimum_burst_samples", "must be at least 1")
    try require(burstWindow > 0 && burstWindow.isFinite, "burst_window_s", "must be a positive number of seconds")
    try require(maximumSpreadC >= 0 && maximumSpreadC.isFinite, "maximum_spread_c", "must be 0 or more")
    try require(maximumSampleGap > 0, "maximum_sample_gap_s", "must be positive")
    try require(departureGap >= maximumSampleGap, "departure_gap_s", "must be at least maximum_sample_gap_s")
    try require(errorSamplesForFault >= 1, "error_samples_for_fault", "must be at least 1")
    try require(stuckSampleCount >= 2, "stuck_sample_count", "must be at least 2")
    try require(
      stuckMinimumDuration >= 0 && stuckMinimumDuration.isFinite, "stuck_minimum_duration_s",
      "must be 0 or more seconds")
    try require(
      stuckIdleDuration >= stuckMinimumDuration && stuckIdleDuration.isFinite, "stuck_idle_duration_s",
      "must be at least stuck_minimum_duration_s (\(stuckMinimumDuration))")
    try require(
      badgeHoldTime > 0 && badgeHoldTime.isFinite, "badge_hold_time_s", "must be a positive number of seconds")
    try require(
      screenedPassTimeout >= departureGap && screenedPassTimeout.isFinite, "screened_pass_timeout_s",
      "must be at least departure_gap_s (\(departureGap))")
    try require(
      plausibleSkinRangeC.lowerBound.isFinite && plausibleSkinRangeC.upperBound.isFinite
        && plausibleSkinRangeC.upperBound - plausibleSkinRangeC.lowerBound >= 1,
      "skin_range_c", "must span at least 1 °C")
    try require(
      burstCapacity >= minimumBurstSamples && burstCapacity <= 4096, "burst_capacity",
      "must be between minimum_burst_samples (\(minimumBurstSamples)) and 4096")
    return self
  }
}

/// A configuration value that the core refuses, with the field it belongs to.
public struct ScreeningConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  public var field: String
  public var message: String

  public init(field: String, message: String) {
    self.field = field
    self.message = message
  }

  public var description: String { "\(field): \(message)" }
}
