/// How an entrance decides what "too warm" means.
public struct ThresholdPolicy: Sendable, Equatable {
  public enum Mode: Sendable, Equatable {
    /// Alarm at a fixed body-equivalent temperature.
    case fixed
    /// Alarm at the entrance's recent normal baseline + `offsetC`; the fixed threshold applies
    /// until the baseline is full.
    case adaptive(offsetC: Celsius, idleReset: Seconds)
  }

  public static let allowedThresholdRangeC: ClosedRange<Celsius> = 34.0...39.0
  public static let allowedBaselineOffsetRangeC: ClosedRange<Celsius> = 0.3...2.0
  public static let allowedGuardBandRangeC: ClosedRange<Celsius> = 0.0...1.0

  public private(set) var mode: Mode
  public private(set) var fixedThresholdC: Celsius
  /// Readings this far below the alarm level are `elevated` too: the device's uncertainty could
  /// hide a fever there.
  public private(set) var guardBandC: Celsius

  public static let `default` = ThresholdPolicy(uncheckedMode: .fixed, fixedThresholdC: 37.3, guardBandC: 0.1)

  private init(uncheckedMode mode: Mode, fixedThresholdC: Celsius, guardBandC: Celsius) {
    self.mode = mode
    self.fixedThresholdC = fixedThresholdC
    self.guardBandC = guardBandC
  }

  /// Accepts a threshold of 34.0–39.0 °C on a 0.1 °C step, an adaptive offset of 0.3–2.0 °C on a
  /// 0.1 °C step, a guard band of 0–1.0 °C and a positive idle reset; names the field otherwise.
  public init(mode: Mode = .fixed, fixedThresholdC: Celsius = 37.3, guardBandC: Celsius = 0.1)
    throws(ScreeningConfigurationError)
  {
    try Self.requireTenths(
      fixedThresholdC, in: Self.allowedThresholdRangeC, field: "fixed_c")
    if case .adaptive(let offsetC, let idleReset) = mode {
      try Self.requireTenths(offsetC, in: Self.allowedBaselineOffsetRangeC, field: "baseline_offset_c")
      guard idleReset > 0, idleReset.isFinite else {
        throw ScreeningConfigurationError(
          field: "baseline_idle_reset_s", message: "must be a positive number of seconds, got \(idleReset)")
      }
    }
    guard guardBandC.isFinite, Self.allowedGuardBandRangeC.contains(guardBandC) else {
      throw ScreeningConfigurationError(
        field: "guard_band_c", message: "must be between 0.0 and 1.0 °C, got \(guardBandC)")
    }
    self.init(uncheckedMode: mode, fixedThresholdC: fixedThresholdC, guardBandC: guardBandC)
  }

  private static func requireTenths(_ value: Double, in range: ClosedRange<Double>, field: String)
    throws(ScreeningConfigurationError)
  {
    let tenths = (value * 10).rounded()
    guard value.isFinite, range.contains(value), abs(value * 10 - tenths) < 1e-6 else {
      throw ScreeningConfigurationError(
        field: field,
        message:
          "must be \(range.lowerBound)–\(range.upperBound) °C in 0.1 °C steps, got \(value)")
    }
  }
}
