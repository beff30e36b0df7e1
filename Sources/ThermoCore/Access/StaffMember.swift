/// One person of the staff directory. Validity bounds are wall-clock instants (seconds since
/// 1970): `validFrom` inclusive, `validUntil` exclusive; nil is unbounded.
public struct StaffMember: Sendable, Equatable {
  /// The work ID as the badge reader gives it, or its protected form (`h:` + HMAC) when the
  /// site keeps person IDs hashed.
  public var workID: String
  /// Not kept when IDs are hashed.
  public var name: String?
  public var department: String?
  public var role: String?
  public var validFrom: Double?
  public var validUntil: Double?
  public var blocked: Bool

  public init(
    workID: String, name: String? = nil, department: String? = nil, role: String? = nil, validFrom: Double? = nil,
    validUntil: Double? = nil, blocked: Bool = false
  ) {
    self.workID = workID
    self.name = name
    self.department = department
    self.role = role
    self.validFrom = validFrom
    self.validUntil = validUntil
    self.blocked = blocked
  }
}
