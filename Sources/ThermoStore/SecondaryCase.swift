import GRDB
import ThermoCore

/// One person sent to the secondary station, and what became of them.
public struct SecondaryCase: Sendable, Equatable {
  public enum Status: String, Sendable, Equatable, CaseIterable {
    /// Waiting for a clinical reading (or the infrared re-check).
    case waiting
    /// Settled: no fever.
    case cleared
    /// Settled: fever confirmed, the doctor is called.
    case fever
  }

  /// Why the person is at the station.
  public enum Origin: String, Sendable, Equatable {
    /// The entrance denied them for an elevated screening.
    case elevated
    /// A guard sent them (they looked unwell, the thermometer could not read them).
    case guardSent = "guard"
  }

  /// How the case was settled.
  public enum Settlement: String, Sendable, Equatable {
    case infraredRecheck = "infrared_recheck"
    case clinical
  }

  public var id: Int64
  public var entrance: String
  /// As the register keeps people (protected by the person-ID rule).
  public var person: String?
  public var openedAt: Double
  public var origin: Origin
  public var note: String?
  /// The screening that sent them (none when a guard sent them).
  public var screeningID: Int64?
  public var recheckID: Int?
  /// The body estimate of that screening.
  public var infraredBodyC: Double?
  public var status: Status
  public var settledAt: Double?
  public var settledBy: String?
  public var settledHow: Settlement?
  /// The clinical reading that settled it, when one did.
  public var reading: ClinicalReadingRecord?
  /// A cleared person's one-time pass at `entrance`.
  public var passUntil: Double?
  public var passUsedAt: Double?
  /// The doctor's alert for a confirmed fever, once raised.
  public var feverAlertID: Int64?
  public var disposition: Disposition?
  public var dispositionNotes: String?
  public var dispositionBy: String?
  public var dispositionAt: Double?

  init(row: Row) {
    id = row["id"]
    entrance = row["entrance"]
    person = row["person"]
    openedAt = row["opened_at"]
    origin = Origin(rawValue: row["origin"]) ?? .elevated
    note = row["note"]
    screeningID = row["screening_id"]
    recheckID = row["recheck_id"]
    infraredBodyC = row["infrared_body_c"]
    status = Status(rawValue: row["status"]) ?? .waiting
    settledAt = row["settled_at"]
    settledBy = row["settled_by"]
    settledHow = (row["settled_how"] as String?).flatMap(Settlement.init(rawValue:))
    passUntil = row["pass_until"]
    passUsedAt = row["pass_used_at"]
    feverAlertID = row["fever_alert_id"]
    disposition = (row["disposition"] as String?).flatMap(Disposition.init(rawValue:))
    dispositionNotes = row["disposition_notes"]
    dispositionBy = row["disposition_by"]
    dispositionAt = row["disposition_at"]
    if let method = (row["reading_method"] as String?).flatMap(ClinicalMethod.init(rawValue:)) {
      reading = ClinicalReadingRecord(
        time: row["reading_time"], method: method, valueC: row["reading_value_c"],
        thresholdC: row["reading_threshold_c"], by: row["reading_by"], device: row["reading_device"])
    }
  }
}

/// A clinical reading as recorded.
public struct ClinicalReadingRecord: Sendable, Equatable {
  public var time: Double
  public var method: ClinicalMethod
  public var valueC: Double
  /// The method's fever threshold when it was recorded.
  public var thresholdC: Double
  public var by: String
  public var device: String?
}

/// Why the secondary register refused a request; nothing was changed.
public enum SecondaryError: Error, Sendable, Equatable, CustomStringConvertible {
  case notFound(caseID: Int64)
  /// The case is settled already (a second reading would rewrite a result).
  case settled(caseID: Int64, status: String, how: String?)
  case invalid(String)
  /// Recorded already (a disposition is recorded once).
  case conflict(String)
  case store(StoreError)

  public var description: String {
    switch self {
    case .notFound(let id): "secondary case \(id) does not exist"
    case .settled(let id, let status, let how):
      "secondary case \(id) is already settled (\(status)\(how.map { " by \($0)" } ?? "")); nothing was changed"
    case .invalid(let message), .conflict(let message): message
    case .store(let error): error.description
    }
  }
}

/// What became of a screening's secondary case, as the register and its export carry it.
public struct SecondaryOutcome: Sendable, Equatable, Codable {
  public var caseID: Int64
  public var status: String
  public var settledHow: String?
  public var clinicalMethod: String?
  public var clinicalC: Double?
  public var disposition: String?

  enum CodingKeys: String, CodingKey {
    case status, disposition
    case caseID = "case_id"
    case settledHow = "settled_how"
    case clinicalMethod = "clinical_method"
    case clinicalC = "clinical_c"
  }

  public init(
    caseID: Int64, status: String, settledHow: String?, clinicalMethod: String?, clinicalC: Double?,
    disposition: String?
  ) {
    self.caseID = caseID
    self.status = status
    self.settledHow = settledHow
    self.clinicalMethod = clinicalMethod
    self.clinicalC = clinicalC
    self.disposition = disposition
  }
}
