/// Whether an alert gets (another) notification, decided from what was sent before — the role
/// of Alertmanager's `needsUpdate`, as a pure function tested under a fake clock.
public enum NotificationDecision: Sendable, Equatable {
  /// First time this condition or person is reported.
  case firstNotification
  /// The same open condition again: already reported, nothing new to say.
  case duplicate
  /// Unacknowledged after the repeat interval: say it again.
  case repeatInterval
  /// The condition was resolved and has come back: a new alert.
  case recurred

  public var notifies: Bool { self != .duplicate }

  /// What is known about earlier alerts with the same group key.
  public struct History: Sendable, Equatable {
    public var lastNotifiedAt: Double
    public var isOpen: Bool
    public var isAcknowledged: Bool

    public init(lastNotifiedAt: Double, isOpen: Bool, isAcknowledged: Bool) {
      self.lastNotifiedAt = lastNotifiedAt
      self.isOpen = isOpen
      self.isAcknowledged = isAcknowledged
    }
  }

  /// For a newly raised alert: `history` is the latest alert of its group, if any.
  public static func forRaised(history: History?) -> NotificationDecision {
    guard let history else { return .firstNotification }
    return history.isOpen ? .duplicate : .recurred
  }

  /// For an open alert at `now`: repeat it when nobody acknowledged it within `repeatInterval`.
  public static func forOpen(history: History, now: Double, repeatInterval: Double?) -> NotificationDecision {
    guard history.isOpen, !history.isAcknowledged, let repeatInterval, now - history.lastNotifiedAt >= repeatInterval
    else { return .duplicate }
    return .repeatInterval
  }
}
