/// A pass a guard issued to a visitor: its code opens the gate (with a normal screening) from
/// `issuedAt` until `validUntil` (wall-clock seconds, exclusive), never after.
public struct VisitorPass: Sendable, Equatable {
  /// The code the badge reader gives (or its protected form when person IDs are hashed).
  public var code: String
  public var name: String?
  /// The member of staff the visitor comes to see.
  public var host: String
  /// Kept masked only (`138****5678`).
  public var phoneMasked: String?
  public var issuedAt: Double
  public var validUntil: Double
  /// The guard who issued it.
  public var issuedBy: String?

  public init(
    code: String, name: String?, host: String, phoneMasked: String?, issuedAt: Double, validUntil: Double,
    issuedBy: String?
  ) {
    self.code = code
    self.name = name
    self.host = host
    self.phoneMasked = phoneMasked
    self.issuedAt = issuedAt
    self.validUntil = validUntil
    self.issuedBy = issuedBy
  }
}
