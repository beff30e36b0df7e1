import ThermoCore
import ThermoStore

/// The answer to `POST /api/visitors`: the code, shown this once (under hashed person IDs it
/// cannot be read back).
struct IssuedVisitorPassMessage: Sendable, Equatable, Codable {
  var code: String
  var validUntil: WireTime
  var host: String
  /// As typed, for the guard to hand over; the store keeps it only where `person_ids` allows.
  var name: String
  var phoneMasked: String?

  enum CodingKeys: String, CodingKey {
    case code, host, name
    case validUntil = "valid_until"
    case phoneMasked = "phone_masked"
  }
}

/// A pass as `GET /api/visitors` lists it: without its code when codes are kept hashed.
struct VisitorPassMessage: Sendable, Equatable, Codable {
  var code: String?
  var name: String?
  var host: String
  var phoneMasked: String?
  var issuedAt: WireTime
  var validUntil: WireTime
  var issuedBy: String?

  init(_ pass: VisitorPass, showsCode: Bool) {
    code = showsCode ? pass.code : nil
    name = pass.name
    host = pass.host
    phoneMasked = pass.phoneMasked
    issuedAt = .text(pass.issuedAt)
    validUntil = .text(pass.validUntil)
    issuedBy = pass.issuedBy
  }

  enum CodingKeys: String, CodingKey {
    case code, name, host
    case phoneMasked = "phone_masked"
    case issuedAt = "issued_at"
    case validUntil = "valid_until"
    case issuedBy = "issued_by"
  }
}
