/// Limits outside which a reading is not judged as normal or fever.
public struct PlausibilityLimits: Sendable, Equatable {
  /// Raw object readings outside this range are a sensor fault (display range of the 2022
  /// Guangdong draft for forehead screeners).
  public var rawRangeC: ClosedRange<Celsius> = 28.0...45.0
  /// Ambient outside this range makes the reading unjudgeable (FDA NCIT operating range).
  public var ambientRangeC: ClosedRange<Celsius> = 16.0...40.0
  /// Calibrated skin below this is "too cold to judge" (FeverScreen's THRESHOLD_MIN_NORMAL).
  public var minimumSkinC: Celsius = 32.5

  public init() {}
}

/// Everything one entrance's pipeline needs, each part validated where it is built.
public struct EntranceConfiguration: Sendable, Equatable {
  public var detector: DetectorConfiguration
  public var plausibility: PlausibilityLimits
  public var threshold: ThresholdPolicy
  public var calibration: DeviceCalibration
  public var bodyModel: BodyModel
  /// How long an elevated person has to be screened again.
  public var recheckWindow: Seconds
  /// No judgement until the device has run this long (per device model).
  public var warmUp: Seconds

  public init(
    detector: DetectorConfiguration = DetectorConfiguration(),
    plausibility: PlausibilityLimits = PlausibilityLimits(),
    threshold: ThresholdPolicy = .default,
    calibration: DeviceCalibration = .identity,
    bodyModel: BodyModel = .foreheadMaxV1,
    recheckWindow: Seconds = 600,
    warmUp: Seconds = 0
  ) {
    self.detector = detector
    self.plausibility = plausibility
    self.threshold = threshold
    self.calibration = calibration
    self.bodyModel = bodyModel
    self.recheckWindow = recheckWindow
    self.warmUp = warmUp
  }
}
