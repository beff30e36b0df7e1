/// Every screening ends in exactly one of these.
public enum ScreeningClass: String, Sendable, Equatable, CaseIterable {
  case noSubject = "no_subject"
  case fault
  case retry
  case normal
  case elevated
  case fever
}

/// The rule that decided a screening's class; the raw string is the stable code in every output.
public enum DecisionReason: String, Sendable, Equatable, CaseIterable {
  case belowPresenceMargin = "below_presence_margin"
  case sensorErrorFlag = "sensor_error_flag"
  case stuckReading = "stuck_reading"
  case rawOutOfRange = "raw_out_of_range"
  case warmingUp = "warming_up"
  case ambientOutOfRange = "ambient_out_of_range"
  case skinTooCold = "skin_too_cold"
  case unstableReading = "unstable_reading"
  case belowThreshold = "below_threshold"
  case recheckCleared = "recheck_cleared"
  /// Elevated, but the person holds a one-time pass from a clinical reading at the secondary
  /// station that cleared them.
  case clearedAtSecondary = "cleared_at_secondary"
  case atOrAboveThreshold = "at_or_above_threshold"
  case withinGuardBand = "within_guard_band"
  case confirmedByRecheck = "confirmed_by_recheck"
}

/// Where an alarm level came from.
public enum ThresholdSource: String, Sendable, Equatable {
  case fixed
  case baseline
}

/// How a decision takes part in a re-check.
public struct RecheckLink: Sendable, Equatable {
  public enum Role: String, Sendable, Equatable {
    /// This elevated screening opened the re-check.
    case opened
    /// Elevated again inside the window and the mean of both body estimates reached the
    /// confirm level: the fever is confirmed.
    case confirmed
    /// Screened again inside the window and either normal, or elevated with the mean below the
    /// confirm level: the first reading is cleared.
    case cleared
  }

  /// Counts up from 1 per entrance pipeline.
  public var id: Int
  public var role: Role
  /// When the re-check was opened, for `confirmed` and `cleared`.
  public var openedAt: Seconds
  public var deadline: Seconds
  /// For `confirmed` and `cleared`: the mean of the opening and this screening's body estimates,
  /// and the level it was held against (alarm level in force + confirm offset). What decided it.
  public var meanBodyC: Celsius?
  public var confirmLevelC: Celsius?

  public init(
    id: Int, role: Role, openedAt: Seconds, deadline: Seconds, meanBodyC: Celsius? = nil,
    confirmLevelC: Celsius? = nil
  ) {
    self.id = id
    self.role = role
    self.openedAt = openedAt
    self.deadline = deadline
    self.meanBodyC = meanBodyC
    self.confirmLevelC = confirmLevelC
  }
}

/// A classified screening with everything that made the decision.
public struct Decision: Sendable, Equatable {
  public var time: Seconds
  public var screeningClass: ScreeningClass
  public var reason: DecisionReason
  public var person: String?
  /// Uncalibrated object reading; nil when the device gave no usable number.
  public var rawObjectC: Celsius?
  public var skinC: Celsius?
  public var ambientC: Celsius?
  public var bodyC: Celsius?
  /// The alarm level in force (fixed threshold or baseline + offset), before the guard band.
  public var thresholdC: Celsius
  public var thresholdSource: ThresholdSource
  public var baselineC: Celsius?
  public var guardBandC: Celsius
  public var calibrationID: String
  public var bodyModelVersion: String
  public var recheck: RecheckLink?
  public var sampleCount: Int

  public init(
    time: Seconds, screeningClass: ScreeningClass, reason: DecisionReason, person: String?,
    rawObjectC: Celsius?, skinC: Celsius?, ambientC: Celsius?, bodyC: Celsius?,
    thresholdC: Celsius, thresholdSource: ThresholdSource, baselineC: Celsius?, guardBandC: Celsius,
    calibrationID: String, bodyModelVersion: String, recheck: RecheckLink?, sampleCount: Int
  ) {
    self.time = time
    self.screeningClass = screeningClass
    self.reason = reason
    self.person = person
    self.rawObjectC = rawObjectC
    self.skinC = skinC
    self.ambientC = ambientC
    self.bodyC = bodyC
    self.thresholdC = thresholdC
    self.thresholdSource = thresholdSource
    self.baselineC = baselineC
    self.guardBandC = guardBandC
    self.calibrationID = calibrationID
    self.bodyModelVersion = bodyModelVersion
    self.recheck = recheck
    self.sampleCount = sampleCount
  }
}

/// A re-check whose window closed before the person was screened again.
public struct RecheckExpiry: Sendable, Equatable {
  public var id: Int
  public var person: String?
  public var openedAt: Seconds
  public var deadline: Seconds
  /// Body estimate of the elevated screening that opened it.
  public var bodyC: Celsius
}
