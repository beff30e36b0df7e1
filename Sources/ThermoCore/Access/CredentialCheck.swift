/// What the directory says of a presented credential at one instant.
public struct CredentialCheck: Sendable, Equatable {
  /// The credential as presented (a work ID or a visitor pass code).
  public var person: String
  /// Whose it is, when known.
  public var holder: CredentialHolder?
  /// Why it does not open the gate (`unknownID`, `expiredID`, `notYetValid`, `blockedID`); nil
  /// when it is valid now.
  public var refusal: AccessReason?

  public init(person: String, holder: CredentialHolder?, refusal: AccessReason?) {
    self.person = person
    self.holder = holder
    self.refusal = refusal
  }

  public static func valid(_ person: String, _ holder: CredentialHolder) -> CredentialCheck {
    CredentialCheck(person: person, holder: holder, refusal: nil)
  }

  public static func refused(_ person: String, _ reason: AccessReason, holder: CredentialHolder? = nil)
    -> CredentialCheck
  {
    CredentialCheck(person: person, holder: holder, refusal: reason)
  }

  public var isValid: Bool { refusal == nil }
}
