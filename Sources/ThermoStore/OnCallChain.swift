/// Whom an alert calls, in order, when nobody acknowledges it: the doctor on call when it was
/// raised, their backup, then the duty office. Resolved once, at raise time, and stored with the
/// alert, so a restart goes on calling the same people.
public struct OnCallChain: Sendable, Equatable {
  /// The doctor on call when the alert was raised; nil when nobody was (a gap in the roster).
  public var onCall: String?
  public var stages: [OnCallStage]
  /// Seconds each stage has to acknowledge before the next one is called.
  public var deadline: Double
  /// When the roster was asked (the dispatcher's wall time): the first stage's deadline runs
  /// from here, not from when the alert was raised (an alert raised again after a restart).
  public var resolvedAt: Double

  public init(onCall: String?, stages: [OnCallStage], deadline: Double, resolvedAt: Double) {
    self.onCall = onCall
    self.stages = stages
    self.deadline = deadline
    self.resolvedAt = resolvedAt
  }
}

/// One step of an on-call chain: who, and the sinks that reach them.
public struct OnCallStage: Sendable, Equatable {
  public enum Role: String, Sendable, Equatable, Codable {
    case primary
    case backup
    case dutyOffice = "duty_office"
  }

  public var role: Role
  /// The person's name; nil for the duty office.
  public var name: String?
  public var channels: [String]

  public init(role: Role, name: String?, channels: [String]) {
    self.role = role
    self.name = name
    self.channels = channels
  }
}

/// An alert's on-call chain as stored: who was on call, which stages have been called and when,
/// and when the next one will be unless somebody acknowledges.
public struct OnCallCall: Sendable, Equatable {
  public struct CalledStage: Sendable, Equatable {
    public var stage: OnCallStage
    /// Nil for a stage not (yet) called.
    public var calledAt: Double?
  }

  public var alertID: Int64
  public var onCall: String?
  public var stages: [CalledStage]
  /// The index of the stage called last.
  public var current: Int
  /// Nil when the last stage has been called (or the alert no longer waits).
  public var nextStageAt: Double?
  public var deadline: Double
}
