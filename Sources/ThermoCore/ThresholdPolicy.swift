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
  public static let allowedConfirmOffsetRangeC: ClosedRange<Celsius> = 0.0...1.0

  public private(set) var mode: Mode
  public private(set) var fixedThresholdC: Celsius
  /// Readings this far below the alarm level are `elevated` too: the device's uncertainty could
  /// hide a fever there.
  public private(set) var guardBandC: Celsius
  /// A re-check confirms a fever only when it is elevated itself and the mean of the opening and
  /// the re-check body estimates reaches the alarm level in force plus this. One infrared reading refers (alarm
  /// level − guard band); two together must clear a higher bar to confirm, because a single
  /// reading's round-to-round scatter alone pushed 7 % of everyone over the referral level twice.
  /// An offset rather than a level, so the adaptive baseline moves both together.
  public private(set) var confirmOffsetC: Celsius

  /// The rule chosen on the bundled cohorts (README, "Confirmation by re-check"): refer at 37.2,
  /// confirm when the mean of both readings reaches 37.35.
  public static let defaultConfirmOffsetC: Celsius = 0.05

  public static let `default` = ThresholdPolicy(
    uncheckedMode: .fixed, fixedThresholdC: 37.3, guardBandC: 0.05, confirmOffsetC: defaultConfirmOffsetC)

  private init(uncheckedMode mode: Mode, fixedThresholdC: Celsius, guardBandC: Celsius, confirmOffsetC: Celsius) {
    self.mode = mode
    self.fixedThresholdC = fixedThresholdC
    self.guardBandC = guardBandC
    self.confirmOffsetC = confirmOffsetC
  }

  /// The level the mean of a re-check's two body estimates must reach, for an alarm level.
  public func confirmLevelC(alarmLevelC: Celsius) -> Celsius { alarmLevelC + confirmOffsetC }

  /// Accepts a threshold of 34.0–39.0 °C on a 0.1 °C step, an adaptive offset of 0.3–2.0 °C on a
  /// 0.1 °C step, a guard band of 0–1.0 °C, a confirm offset of 0–1.0 °C on a 0.05 °C step (finer
  /// would be tuning to one cohort's noise) and a positive idle reset; names the field otherwise.
  public init(
    mode: Mode = .fixed, fixedThresholdC: Celsius = 37.3, guardBandC: Celsius = 0.05,
    confirmOffsetC: Celsius = defaultConfirmOffsetC
  ) throws(ScreeningConfigurationError) {
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
    try Self.requireSteps(
      of: 0.05, confirmOffsetC, in: Self.allowedConfirmOffsetRangeC, field: "confirm_offset_c")
    self.init(
      uncheckedMode: mode, fixedThresholdC: fixedThresholdC, guardBandC: guardBandC, confirmOffsetC: confirmOffsetC)
  }

  private static func requireTenths(_ value: Double, in range: ClosedRange<Double>, field: String)
    throws(ScreeningConfigurationError)
  {
    try requireSteps(of: 0.1, value, in: range, field: field)
  }

  private static func requireSteps(of step: Double, _ value: Double, in range: ClosedRange<Double>, field: String)
    throws(ScreeningConfigurationError)
  {
    let steps = (value / step).rounded()
    guard value.isFinite, range.contains(value), abs(value / step - steps) < 1e-6 else {
      throw ScreeningConfigurationError(
        field: field,
        message:
          "must be \(range.lowerBound)–\(range.upperBound) °C in \(step) °C steps, got \(value)")
    }
  }
}
