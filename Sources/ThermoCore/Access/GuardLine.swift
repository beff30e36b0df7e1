/// What the guard at the lane is told about a person, as a code the display words in its
/// language.
public struct GuardLine: Sendable, Equatable {
  public enum Instruction: String, Sendable, Equatable, CaseIterable {
    /// Granted: one passage.
    case goThrough = "go_through"
    /// A valid ID is waiting for its reading.
    case measure
    /// A normal reading is waiting for its ID.
    case presentID = "present_id"
    /// The reading could not be judged: measure again.
    case measureAgain = "measure_again"
    /// Elevated: to the secondary screening point; the lane goes on.
    case secondaryScreening = "secondary_screening"
    /// Confirmed fever: keep the person apart and call the doctor on duty.
    case callDoctor = "call_doctor"
    /// The credential does not open this gate (unknown, expired, blocked, too late).
    case seeGuard = "see_guard"
    /// The entrance cannot screen or release now: let the guard decide by hand.
    case deviceFault = "device_fault"
    /// The reader did not get a whole ID (pulled away mid-read, a stuck key, garbage): again.
    case badgeAgain = "badge_again"
  }

  public var pass: Int
  public var time: Seconds
  public var instruction: Instruction
  /// The decision's reason, once there is one.
  public var reason: AccessReason?

  public init(pass: Int, time: Seconds, instruction: Instruction, reason: AccessReason?) {
    self.pass = pass
    self.time = time
    self.instruction = instruction
    self.reason = reason
  }
}
