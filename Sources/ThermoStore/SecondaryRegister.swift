import Foundation
import GRDB
import ThermoCore

/// The secondary station's record: who was sent there, the clinical readings that settled them,
/// the one-time passes of those cleared, and the doctor's disposition of each confirmed fever.
/// A case is opened in the same transaction as the elevated screening that sent the person, so
/// nobody denied for it is missing from the station's list.
extension AlertStore {
  static func registerSecondary(_ migrator: inout DatabaseMigrator) {
    migrator.registerMigration("v5-secondary") { db in
      try db.execute(
        sql: """
          CREATE TABLE secondary_case (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entrance TEXT NOT NULL,
            person TEXT,
            opened_at REAL NOT NULL,
            origin TEXT NOT NULL,
            note TEXT,
            screening_id INTEGER,
            recheck_id INTEGER,
            infrared_body_c REAL,
            status TEXT NOT NULL,
            settled_at REAL,
            settled_by TEXT,
            settled_how TEXT,
            settling_screening_id INTEGER,
            pass_until REAL,
            pass_used_at REAL,
            fever_alert_id INTEGER,
            disposition TEXT,
            disposition_notes TEXT,
            disposition_by TEXT,
            disposition_at REAL
          );
          CREATE INDEX secondary_case_status ON secondary_case(status, entrance);
          CREATE INDEX secondary_case_recheck ON secondary_case(entrance, recheck_id);
          CREATE INDEX secondary_case_opened ON secondary_case(opened_at);
          CREATE INDEX secondary_case_screening ON secondary_case(screening_id);
          CREATE INDEX secondary_case_settling ON secondary_case(settling_screening_id);
          CREATE TABLE clinical_reading (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            case_id INTEGER NOT NULL REFERENCES secondary_case(id) ON DELETE CASCADE,
            time REAL NOT NULL,
            method TEXT NOT NULL,
            value_c REAL NOT NULL,
            threshold_c REAL NOT NULL,
            outcome TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            device TEXT
          );
          CREATE INDEX clinical_reading_case ON clinical_reading(case_id);
          """)
    }
  }

  /// Called for every screening written: an elevated one that opened a re-check opens a case;
  /// the infrared re-check that resolves it settles a case still waiting.
  static func followSecondary(_ entry: RegisterEntry, screeningID: Int64, in db: Database) throws {
    guard let recheckID = entry.recheckID, let role = entry.recheckRole else { return }
    switch role {
    case "opened" where entry.screeningClass == ScreeningClass.elevated.rawValue:
      try db.execute(
        sql: """
          INSERT INTO secondary_case (entrance, person, opened_at, origin, screening_id, recheck_id, infrared_body_c,
            status)
          VALUES (?, ?, ?, 'elevated', ?, ?, ?, 'waiting')
          """,
        arguments: [entry.entrance, entry.person, entry.time, screeningID, recheckID, entry.bodyC])
    case "confirmed", "cleared":
      let status: SecondaryCase.Status = role == "confirmed" ? .fever : .cleared
      try db.execute(
        sql: """
          UPDATE secondary_case SET status = ?, settled_at = ?, settled_by = 'infrared re-check',
            settled_how = 'infrared_recheck', settling_screening_id = ?
          WHERE id = (SELECT MAX(id) FROM secondary_case WHERE entrance = ? AND recheck_id = ? AND status = 'waiting')
          """,
        arguments: [status.rawValue, entry.time, screeningID, entry.entrance, recheckID])
      try closeElevatedAlert(db, entrance: entry.entrance, recheckID: recheckID, at: entry.time)
    default:
      return
    }
  }

  /// The elevated alert of a case the station settled is closed: the question it asked is
  /// answered (a fever goes on as its own alert), so it neither lingers open nor outlives the
  /// retention period.
  static func closeElevatedAlert(_ db: Database, entrance: String, recheckID: Int, at time: Double) throws {
    try db.execute(
      sql: """
        UPDATE alert SET resolved_at = ?
        WHERE kind = 'elevated' AND resolved_at IS NULL AND screening_id IN (
          SELECT screening_id FROM secondary_case WHERE entrance = ? AND recheck_id = ? AND screening_id IS NOT NULL)
        """, arguments: [time, entrance, recheckID])
  }

  static let secondaryCaseSelect = """
    SELECT c.*, r.time AS reading_time, r.method AS reading_method, r.value_c AS reading_value_c,
      r.threshold_c AS reading_threshold_c, r.recorded_by AS reading_by, r.device AS reading_device,
      COALESCE(c.fever_alert_id, (SELECT MIN(a.id) FROM alert a WHERE a.kind = 'fever'
        AND a.screening_id IN (c.screening_id, c.settling_screening_id))) AS linked_alert_id
    FROM secondary_case c
    LEFT JOIN clinical_reading r ON r.id = (SELECT MAX(id) FROM clinical_reading WHERE case_id = c.id)
    """

  /// Cases opened with `since <= opened_at < until`, oldest first (the newest `limit` of them);
  /// `statuses` empty for all.
  public func secondaryCases(
    statuses: Set<SecondaryCase.Status> = [], since: Double = -.infinity, until: Double = .infinity,
    limit: Int = 500
  ) throws(StoreError) -> [SecondaryCase] {
    let filter =
      statuses.isEmpty
      ? "" : " AND c.status IN (\(statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")))"
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: Self.secondaryCaseSelect + " WHERE c.opened_at >= ? AND c.opened_at < ?" + filter
            + " ORDER BY c.opened_at DESC, c.id DESC LIMIT ?",
          arguments: [since.isFinite ? since : -1e18, until.isFinite ? until : 1e18, limit]
        ).map(Self.secondaryCase(row:)).reversed()
      }
    } catch {
      throw StoreError(operation: "read the secondary cases", underlying: error)
    }
  }

  public func secondaryCase(id: Int64) throws(StoreError) -> SecondaryCase? {
    do {
      return try database.read { db in try Self.fetchCase(id: id, in: db) }
    } catch {
      throw StoreError(operation: "read secondary case \(id)", underlying: error)
    }
  }

  static func fetchCase(id: Int64, in db: Database) throws -> SecondaryCase? {
    try Row.fetchOne(db, sql: secondaryCaseSelect + " WHERE c.id = ?", arguments: [id]).map(secondaryCase(row:))
  }

  private static func secondaryCase(row: Row) -> SecondaryCase {
    var found = SecondaryCase(row: row)
    found.feverAlertID = row["linked_alert_id"]
    return found
  }

  /// A guard sends someone to the station without an elevated screening.
  public func sendToSecondary(entrance: String, person: String?, note: String?, by: String, at time: Double)
    throws(StoreError) -> Int64
  {
    do {
      return try database.write { db in
        try db.execute(
          sql: """
            INSERT INTO secondary_case (entrance, person, opened_at, origin, note, status, settled_by)
            VALUES (?, ?, ?, 'guard', ?, 'waiting', NULL)
            """,
          arguments: [entrance, person, time, note.map { "\(by): \($0)" } ?? "sent by \(by)"])
        return db.lastInsertedRowID
      }
    } catch {
      throw StoreError(operation: "send a person to secondary screening at \(entrance)", underlying: error)
    }
  }

  /// Records a clinical reading for a waiting case and settles it by the method's threshold: a
  /// cleared person gets a one-time pass until `time + passValidity`. A reading for a settled
  /// case, an unknown case or an implausible value changes nothing.
  public func recordClinicalReading(
    caseID: Int64, method: ClinicalMethod, valueC: Double, by: String, device: String?, at time: Double,
    thresholds: ClinicalThresholds, passValidity: Double
  ) throws(SecondaryError) -> SecondaryCase {
    let outcome: ClinicalOutcome
    do {
      outcome = try thresholds.settle(method: method, valueC: valueC)
    } catch {
      throw .invalid(error.description)
    }
    let by = by.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !by.isEmpty else { throw .invalid("by: who took the reading is required") }
    return try changeCase(caseID, operation: "record a clinical reading for case \(caseID)") { db, current in
      // The clinical reading outranks the infrared: a case the gate's re-check cleared still
      // takes one (the re-check may even have been someone else's, for people without an ID).
      let open = current.status == .waiting || (current.status == .cleared && current.settledHow == .infraredRecheck)
      guard open else {
        throw SecondaryError.settled(caseID: caseID, status: current.status.rawValue, how: current.settledHow?.rawValue)
      }
      try db.execute(
        sql: """
          INSERT INTO clinical_reading (case_id, time, method, value_c, threshold_c, outcome, recorded_by, device)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          caseID, time, method.rawValue, valueC, thresholds.threshold(for: method), outcome.rawValue, by, device,
        ])
      let cleared = outcome == .cleared
      try db.execute(
        sql: """
          UPDATE secondary_case SET status = ?, settled_at = ?, settled_by = ?, settled_how = 'clinical',
            pass_until = ?
          WHERE id = ?
          """,
        arguments: [
          (cleared ? SecondaryCase.Status.cleared : .fever).rawValue, time, by,
          cleared ? time + passValidity : nil, caseID,
        ])
      if let recheck = current.recheckID {
        try Self.closeElevatedAlert(db, entrance: current.entrance, recheckID: recheck, at: time)
      }
    }
  }

  /// The doctor's disposition of a confirmed fever; recorded once. Their open fever alerts for
  /// the case are acknowledged by it (the doctor has seen the person), which stops escalation.
  public func recordDisposition(
    caseID: Int64, disposition: Disposition, notes: String?, by: String, at time: Double
  ) throws(SecondaryError) -> SecondaryCase {
    let by = by.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !by.isEmpty else { throw .invalid("by: who records the disposition is required") }
    return try changeCase(caseID, operation: "record a disposition for case \(caseID)") { db, current in
      guard current.status == .fever else {
        throw SecondaryError.invalid(
          "secondary case \(caseID) is \(current.status.rawValue): a disposition is recorded for a confirmed fever")
      }
      if let recorded = current.disposition {
        throw SecondaryError.conflict(
          "secondary case \(caseID) already has the disposition \(recorded.rawValue)"
            + " (by \(current.dispositionBy ?? "?")); nothing was changed")
      }
      try db.execute(
        sql: """
          UPDATE secondary_case SET disposition = ?, disposition_notes = ?, disposition_by = ?, disposition_at = ?
          WHERE id = ?
          """,
        arguments: [disposition.rawValue, notes, by, time, caseID])
      if let alert = current.feverAlertID {
        try db.execute(
          sql: "UPDATE alert SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
          arguments: [by, time, alert])
      }
    }
  }

  /// Changes one case in one transaction: `change` sees it as stored and throws a
  /// `SecondaryError` to refuse (nothing is written then); the case is returned as changed.
  private func changeCase(
    _ caseID: Int64, operation: String, _ change: (Database, SecondaryCase) throws -> Void
  ) throws(SecondaryError) -> SecondaryCase {
    do {
      return try database.write { db in
        guard let current = try Self.fetchCase(id: caseID, in: db) else {
          throw SecondaryError.notFound(caseID: caseID)
        }
        try change(db, current)
        guard let changed = try Self.fetchCase(id: caseID, in: db) else {
          throw SecondaryError.notFound(caseID: caseID)
        }
        return changed
      }
    } catch let error as SecondaryError {
      throw error
    } catch {
      throw .store(StoreError(operation: operation, underlying: error))
    }
  }

  /// What an entrance must act on from the station: clinically settled cases whose pass is
  /// still unused and valid at `now`, confirmed fevers whose doctor's alert is not raised yet,
  /// and every case settled clinically since `since` (its infrared re-check must close).
  public func secondaryWork(entrance: String, now: Double, since: Double) throws(StoreError) -> [SecondaryCase] {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: Self.secondaryCaseSelect + """
             WHERE c.entrance = ? AND c.settled_how = 'clinical' AND (
              (c.status = 'cleared' AND c.pass_until > ? AND c.pass_used_at IS NULL)
              OR (c.status = 'fever' AND c.fever_alert_id IS NULL AND c.disposition IS NULL) OR c.settled_at >= ?)
            ORDER BY c.id
            """,
          arguments: [entrance, now, since]
        ).map(Self.secondaryCase(row:))
      }
    } catch {
      throw StoreError(operation: "read the secondary station's results for \(entrance)", underlying: error)
    }
  }

  /// The doctor's alert for case `caseID` is stored as `alertID`.
  public func noteFeverAlert(caseID: Int64, alertID: Int64) throws(StoreError) {
    do {
      try database.write { db in
        try db.execute(
          sql: "UPDATE secondary_case SET fever_alert_id = ? WHERE id = ?", arguments: [alertID, caseID])
        // The doctor may have recorded the disposition while the alert was being raised: it
        // acknowledges the alert, as it would have had the alert been there first.
        try db.execute(
          sql: """
            UPDATE alert SET acknowledged_by = (SELECT disposition_by FROM secondary_case WHERE id = ?),
              acknowledged_at = (SELECT disposition_at FROM secondary_case WHERE id = ?)
            WHERE id = ? AND acknowledged_at IS NULL
              AND EXISTS (SELECT 1 FROM secondary_case WHERE id = ? AND disposition IS NOT NULL)
            """, arguments: [caseID, caseID, alertID, caseID])
      }
    } catch {
      throw StoreError(operation: "link case \(caseID) to alert \(alertID)", underlying: error)
    }
  }

  /// A cleared person went through on their one-time pass.
  public func usePass(caseID: Int64, at time: Double) throws(StoreError) {
    do {
      try database.write { db in
        // Every unused pass of that person at that entrance: one passage, not one per case.
        try db.execute(
          sql: """
            UPDATE secondary_case SET pass_used_at = ?
            WHERE pass_used_at IS NULL AND pass_until IS NOT NULL AND status = 'cleared' AND (id = ? OR (
              person IS NOT NULL AND (entrance, person) = (SELECT entrance, person FROM secondary_case WHERE id = ?)))
            """, arguments: [time, caseID, caseID])
      }
    } catch {
      throw StoreError(operation: "use the pass of case \(caseID)", underlying: error)
    }
  }

  /// Each clinical reading with the infrared screening that sent the person (skin, ambient,
  /// body model): the site's own paired data for fitting a body model.
  public func clinicalPairs(since: Double = -.infinity, methods: Set<ClinicalMethod>) throws(StoreError)
    -> [ClinicalPair]
  {
    guard !methods.isEmpty else { return [] }
    let list = methods.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT r.case_id, r.method, r.value_c, r.time, s.skin_c, s.ambient_c, s.body_c, s.entrance, s.device,
              s.body_model_version
            FROM clinical_reading r JOIN secondary_case c ON c.id = r.case_id JOIN screening s ON s.id = c.screening_id
            WHERE r.time >= ? AND r.method IN (\(list)) AND s.skin_c IS NOT NULL AND s.ambient_c IS NOT NULL
            ORDER BY r.time, r.id
            """,
          arguments: [since.isFinite ? since : -1e18]
        ).compactMap { row in
          guard let method = ClinicalMethod(rawValue: row["method"]) else { return nil }
          return ClinicalPair(
            caseID: row["case_id"], entrance: row["entrance"], device: row["device"], time: row["time"], method: method,
            clinicalC: row["value_c"], skinC: row["skin_c"], ambientC: row["ambient_c"], bodyC: row["body_c"],
            bodyModelVersion: row["body_model_version"])
        }
      }
    } catch {
      throw StoreError(operation: "read the clinical readings paired with screenings", underlying: error)
    }
  }

  /// Cases opened in `since <= opened_at < until`, counted by status, how they were settled and
  /// disposition, per entrance.
  public func secondaryCounts(since: Double, until: Double = .infinity) throws(StoreError) -> [SecondaryCount] {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT entrance, status, COALESCE(settled_how, '') AS how, COALESCE(disposition, '') AS disposition,
              COUNT(*) AS n
            FROM secondary_case WHERE opened_at >= ? AND opened_at < ?
            GROUP BY entrance, status, how, disposition ORDER BY entrance, status, how, disposition
            """,
          arguments: [since, until.isFinite ? until : 1e18]
        ).map { row in
          SecondaryCount(
            entrance: row["entrance"], status: row["status"], settledHow: row["how"], disposition: row["disposition"],
            count: row["n"])
        }
      }
    } catch {
      throw StoreError(operation: "count the secondary cases", underlying: error)
    }
  }
}

/// A clinical reading paired with its infrared screening.
public struct ClinicalPair: Sendable, Equatable {
  public var caseID: Int64
  public var entrance: String
  public var device: String?
  public var time: Double
  public var method: ClinicalMethod
  public var clinicalC: Double
  public var skinC: Double
  public var ambientC: Double
  public var bodyC: Double?
  public var bodyModelVersion: String
}

/// How many secondary cases of one kind an entrance had.
public struct SecondaryCount: Sendable, Equatable {
  public var entrance: String
  public var status: String
  /// `infrared_recheck`, `clinical`, or empty while waiting.
  public var settledHow: String
  /// Empty when none was recorded.
  public var disposition: String
  public var count: Int
}
