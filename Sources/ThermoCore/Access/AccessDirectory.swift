/// The credentials an entrance accepts: the staff directory and the visitor passes, as one
/// snapshot. Checking a credential is a pure function of the snapshot and the wall-clock time.
public struct AccessDirectory: Sendable, Equatable {
  public private(set) var staff: [String: StaffMember]
  public private(set) var passes: [String: VisitorPass]

  /// Later entries of the same ID replace earlier ones (the store keeps IDs unique).
  public init(staff: [StaffMember] = [], passes: [VisitorPass] = []) {
    self.staff = Dictionary(staff.map { ($0.workID, $0) }, uniquingKeysWith: { _, last in last })
    self.passes = Dictionary(passes.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
  }

  public var isEmpty: Bool { staff.isEmpty && passes.isEmpty }

  /// Checks `key` (the credential in the form the directory keeps it: as read, or protected)
  /// at `wallTime`; the check names `presented` as the person.
  public func check(_ key: String, presented: String? = nil, atWall wallTime: Double) -> CredentialCheck {
    let person = presented ?? key
    if let member = staff[key] {
      if member.blocked { return .refused(person, .blockedID, holder: .staff) }
      if let from = member.validFrom, wallTime < from { return .refused(person, .notYetValid, holder: .staff) }
      if let until = member.validUntil, wallTime >= until { return .refused(person, .expiredID, holder: .staff) }
      return .valid(person, .staff)
    }
    if let pass = passes[key] {
      if wallTime < pass.issuedAt { return .refused(person, .notYetValid, holder: .visitor) }
      if wallTime >= pass.validUntil { return .refused(person, .expiredID, holder: .visitor) }
      return .valid(person, .visitor)
    }
    return .refused(person, .unknownID)
  }
}
