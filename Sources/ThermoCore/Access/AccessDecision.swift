/// How an entrance's turnstile is used.
public enum AccessMode: String, Sendable, Equatable, CaseIterable {
  /// Fail-secure turnstile: released for one passage when a valid ID and a normal screening
  /// belong to the same person; everyone else is denied with a reason.
  case access
  /// Free-flow turnstile: everyone is screened, an elevated person is held only until a guard
  /// clears the hold or its short maximum ends; an ID only tags the screening.
  case screen
}

public enum AccessOutcome: String, Sendable, Equatable, CaseIterable {
  case granted
  case denied
}

/// Why a person was let through or not; the raw string is the stable code in every output.
public enum AccessReason: String, Sendable, Equatable, CaseIterable {
  /// Granted: a valid ID (in `access` mode) and a normal screening.
  case normal
  case noID = "no_id"
  case unknownID = "unknown_id"
  case expiredID = "expired_id"
  case notYetValid = "not_yet_valid"
  case blockedID = "blocked_id"
  case elevated
  case fever
  /// The reading could not be judged (warming up, too cold, unstable): measure again.
  case retry
  case deviceFault = "device_fault"
  /// An ID with no reading (or a reading with no ID) within the pairing window.
  case timeout
}

/// Who an accepted credential belongs to.
public enum CredentialHolder: String, Sendable, Equatable, CaseIterable {
  case staff
  case visitor
}

/// One person's access decision at one entrance: every pass ends in exactly one.
public struct AccessDecision: Sendable, Equatable {
  /// Counts up per entrance machine; ties the decision to its actions.
  public var pass: Int
  public var time: Seconds
  public var outcome: AccessOutcome
  public var reason: AccessReason
  /// The credential as presented (nil: none was), whatever its validity.
  public var person: String?
  /// Set when the credential was valid.
  public var holder: CredentialHolder?
  /// The screening the decision rests on, if the person was screened.
  public var screening: Decision?
  public var mode: AccessMode

  public init(
    pass: Int, time: Seconds, outcome: AccessOutcome, reason: AccessReason, person: String?,
    holder: CredentialHolder?, screening: Decision?, mode: AccessMode
  ) {
    self.pass = pass
    self.time = time
    self.outcome = outcome
    self.reason = reason
    self.person = person
    self.holder = holder
    self.screening = screening
    self.mode = mode
  }
}
