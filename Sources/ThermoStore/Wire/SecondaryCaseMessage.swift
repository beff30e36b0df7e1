import ThermoCore

/// A secondary case on the wire: `GET /api/secondary`, `thermogate secondary list --json`.
public struct SecondaryCaseMessage: Sendable, Equatable, Codable {
  public struct Reading: Sendable, Equatable, Codable {
    public var time: WireTime
    public var method: String
    public var valueC: Double
    public var thresholdC: Double
    public var by: String
    public var device: String?

    enum CodingKeys: String, CodingKey {
      case time, method, by, device
      case valueC = "value_c"
      case thresholdC = "threshold_c"
    }
  }

  public var id: Int64
  public var entrance: String
  public var person: String?
  public var openedAt: WireTime
  public var origin: String
  public var note: String?
  public var screeningID: Int64?
  public var infraredBodyC: Double?
  public var status: String
  public var settledAt: WireTime?
  public var settledBy: String?
  public var settledHow: String?
  public var reading: Reading?
  public var passUntil: WireTime?
  public var passUsedAt: WireTime?
  public var feverAlertID: Int64?
  public var disposition: String?
  public var dispositionNotes: String?
  public var dispositionBy: String?
  public var dispositionAt: WireTime?

  enum CodingKeys: String, CodingKey {
    case id, entrance, person, origin, note, status, reading, disposition
    case openedAt = "opened_at"
    case screeningID = "screening_id"
    case infraredBodyC = "infrared_body_c"
    case settledAt = "settled_at"
    case settledBy = "settled_by"
    case settledHow = "settled_how"
    case passUntil = "pass_until"
    case passUsedAt = "pass_used_at"
    case feverAlertID = "fever_alert_id"
    case dispositionNotes = "disposition_notes"
    case dispositionBy = "disposition_by"
    case dispositionAt = "disposition_at"
  }

  public init(_ found: SecondaryCase) {
    id = found.id
    entrance = found.entrance
    person = found.person
    openedAt = .text(found.openedAt)
    origin = found.origin.rawValue
    note = found.note
    screeningID = found.screeningID
    infraredBodyC = found.infraredBodyC.flatMap { WireJSON.rounded($0, decimals: 2) }
    status = found.status.rawValue
    settledAt = found.settledAt.map(WireTime.text)
    settledBy = found.settledBy
    settledHow = found.settledHow?.rawValue
    reading = found.reading.map {
      Reading(
        time: .text($0.time), method: $0.method.rawValue, valueC: $0.valueC, thresholdC: $0.thresholdC, by: $0.by,
        device: $0.device)
    }
    passUntil = found.passUntil.map(WireTime.text)
    passUsedAt = found.passUsedAt.map(WireTime.text)
    feverAlertID = found.feverAlertID
    disposition = found.disposition?.rawValue
    dispositionNotes = found.dispositionNotes
    dispositionBy = found.dispositionBy
    dispositionAt = found.dispositionAt.map(WireTime.text)
  }
}
