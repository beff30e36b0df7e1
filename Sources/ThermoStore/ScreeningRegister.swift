import Crypto
import Foundation
import GRDB
import ThermoCore

/// How a person's work ID is kept in the register: a health record must not outlive its need,
/// and a bare ID next to a temperature is more than most sites may keep.
public enum PersonIDPolicy: Sendable, Equatable {
  /// Stored as read.
  case plain
  /// Stored as an HMAC-SHA256 under the site's secret key (`h:` + hex): the same person gets
  /// the same token, so re-checks and queries still work, but the ID cannot be read back or
  /// found by trying every ID without the key.
  case hashed(key: [UInt8])
  /// Not stored.
  case omitted

  public func protect(_ person: String?) -> String? {
    guard let person else { return nil }
    switch self {
    case .plain: return person
    case .omitted: return nil
    case .hashed(let key):
      let code = HMAC<SHA256>.authenticationCode(for: Data(person.utf8), using: SymmetricKey(data: key))
      return "h:" + code.map { String(format: "%02x", $0) }.joined()
    }
  }
}

/// One registered screening: entrance, device, time, the numbers and the class, and what was in
/// force (calibration, body model, threshold or baseline), the re-check link, the person.
public struct RegisterEntry: Sendable, Equatable {
  public var id: Int64?
  public var entrance: String
  public var device: String?
  public var time: Double
  public var screeningClass: String
  public var reason: String
  public var rawObjectC: Double?
  public var skinC: Double?
  public var ambientC: Double?
  public var bodyC: Double?
  public var thresholdC: Double
  public var thresholdSource: String
  public var baselineC: Double?
  public var guardBandC: Double
  public var calibrationID: String
  public var bodyModelVersion: String
  public var recheckID: Int?
  public var recheckRole: String?
  public var person: String?
  public var sampleCount: Int
  /// The access decision that rests on this screening, when read back from the register.
  public var accessOutcome: String?
  public var accessReason: String?
  public var accessHolder: String?
  /// The secondary case this screening opened or settled, when read back from the register.
  public var secondary: SecondaryOutcome?

  /// The entry for a core decision; `person` is the ID as read, protected by `policy`.
  public init(decision: Decision, entrance: String, device: String?, policy: PersonIDPolicy) {
    id = nil
    self.entrance = entrance
    self.device = device
    time = decision.time
    screeningClass = decision.screeningClass.rawValue
    reason = decision.reason.rawValue
    rawObjectC = decision.rawObjectC
    skinC = decision.skinC
    ambientC = decision.ambientC
    bodyC = decision.bodyC
    thresholdC = decision.thresholdC
    thresholdSource = decision.thresholdSource.rawValue
    baselineC = decision.baselineC
    guardBandC = decision.guardBandC
    calibrationID = decision.calibrationID
    bodyModelVersion = decision.bodyModelVersion
    recheckID = decision.recheck?.id
    recheckRole = decision.recheck.map { "\($0.role)" }
    person = policy.protect(decision.person)
    sampleCount = decision.sampleCount
  }

  init(row: Row) {
    id = row["id"]
    entrance = row["entrance"]
    device = row["device"]
    time = row["time"]
    screeningClass = row["class"]
    reason = row["reason"]
    rawObjectC = row["raw_object_c"]
    skinC = row["skin_c"]
    ambientC = row["ambient_c"]
    bodyC = row["body_c"]
    thresholdC = row["threshold_c"]
    thresholdSource = row["threshold_source"]
    baselineC = row["baseline_c"]
    guardBandC = row["guard_band_c"]
    calibrationID = row["calibration_id"]
    bodyModelVersion = row["body_model_version"]
    recheckID = row["recheck_id"]
    recheckRole = row["recheck_role"]
    person = row["person"]
    sampleCount = row["sample_count"]
    accessOutcome = row["access_outcome"]
    accessReason = row["access_reason"]
    accessHolder = row["access_holder"]
    if let caseID: Int64 = row["secondary_case_id"] {
      secondary = SecondaryOutcome(
        caseID: caseID, status: row["secondary_status"], settledHow: row["secondary_settled_how"],
        clinicalMethod: row["clinical_method"], clinicalC: row["clinical_c"],
        disposition: row["secondary_disposition"])
    }
  }
}

extension AlertStore {
  /// Registers screenings in one transaction (callers batch them; an alert's acceptance is
  /// never batched). Returns their ids, in order.
  @discardableResult
  public func register(_ entries: [RegisterEntry]) throws(StoreError) -> [Int64] {
    guard !entries.isEmpty else { return [] }
    do {
      return try database.write { db in
        try entries.map { entry in try Self.insert(entry, into: db) }
      }
    } catch {
      throw StoreError(operation: "register \(entries.count) screening(s)", underlying: error)
    }
  }

  static func insert(_ entry: RegisterEntry, into db: Database) throws -> Int64 {
    try db.execute(
      sql: """
        INSERT INTO screening (entrance, device, time, class, reason, raw_object_c, skin_c, ambient_c, body_c,
          threshold_c, threshold_source, baseline_c, guard_band_c, calibration_id, body_model_version,
          recheck_id, recheck_role, person, sample_count)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        entry.entrance, entry.device, entry.time, entry.screeningClass, entry.reason, entry.rawObjectC,
        entry.skinC, entry.ambientC, entry.bodyC, entry.thresholdC, entry.thresholdSource, entry.baselineC,
        entry.guardBandC, entry.calibrationID, entry.bodyModelVersion, entry.recheckID, entry.recheckRole,
        entry.person, entry.sampleCount,
      ])
    let id = db.lastInsertedRowID
    try followSecondary(entry, screeningID: id, in: db)
    return id
  }

  /// Screenings with `since <= time < until`, oldest first.
  public func screenings(since: Double = -.infinity, until: Double = .infinity, limit: Int = .max) throws(StoreError)
    -> [RegisterEntry]
  {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT s.*, p.outcome AS access_outcome, p.reason AS access_reason, p.holder AS access_holder,
              c.id AS secondary_case_id, c.status AS secondary_status, c.settled_how AS secondary_settled_how,
              c.disposition AS secondary_disposition, r.method AS clinical_method, r.value_c AS clinical_c
            FROM screening s LEFT JOIN passage p ON p.id = (SELECT MIN(id) FROM passage WHERE screening_id = s.id)
            LEFT JOIN secondary_case c ON c.id = (
              SELECT MIN(id) FROM secondary_case WHERE screening_id = s.id OR settling_screening_id = s.id)
            LEFT JOIN clinical_reading r ON r.id = (SELECT MAX(id) FROM clinical_reading WHERE case_id = c.id)
            WHERE s.time >= ? AND s.time < ? ORDER BY s.time, s.id LIMIT ?
            """,
          arguments: [since.isFinite ? since : -1e18, until.isFinite ? until : 1e18, limit]
        ).map(RegisterEntry.init(row:))
      }
    } catch {
      throw StoreError(operation: "read the screening register", underlying: error)
    }
  }

  /// Screenings with `since <= time < until`, counted by entrance and class.
  public func screeningCounts(since: Double, until: Double = .infinity) throws(StoreError) -> [String: [String: Int]] {
    do {
      return try database.read { db in
        var counts: [String: [String: Int]] = [:]
        let rows = try Row.fetchAll(
          db,
          sql:
            "SELECT entrance, class, COUNT(*) AS n FROM screening WHERE time >= ? AND time < ? GROUP BY entrance, class",
          arguments: [since, until.isFinite ? until : 1e18])
        for row in rows {
          let entrance: String = row["entrance"]
          let screeningClass: String = row["class"]
          counts[entrance, default: [:]][screeningClass] = row["n"]
        }
        return counts
      }
    } catch {
      throw StoreError(operation: "count the screening register", underlying: error)
    }
  }

  /// Deletes screenings older than `cutoff` (retention), alerts that are closed and older still,
  /// and visitor passes expired before it. Returns how many screenings went.
  @discardableResult
  public func purge(olderThan cutoff: Double) throws(StoreError) -> Int {
    do {
      return try database.write { db in
        try db.execute(sql: "DELETE FROM screening WHERE time < ?", arguments: [cutoff])
        let screenings = db.changesCount
        try db.execute(sql: "DELETE FROM passage WHERE time < ?", arguments: [cutoff])
        try db.execute(
          sql: "DELETE FROM clinical_reading WHERE case_id IN (SELECT id FROM secondary_case WHERE opened_at < ?)",
          arguments: [cutoff])
        try db.execute(sql: "DELETE FROM secondary_case WHERE opened_at < ?", arguments: [cutoff])
        try db.execute(
          sql: """
            DELETE FROM alert WHERE raised_at < ? AND (acknowledged_at IS NOT NULL OR resolved_at IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.alert_id = alert.id AND d.status = 'pending')
            """, arguments: [cutoff])
        // Kept past expiry until now, so that a reused code was told expired_id.
        try db.execute(sql: "DELETE FROM visitor_pass WHERE valid_until < ?", arguments: [cutoff])
        if db.changesCount > 0 { try Self.bumpDirectoryVersion(db) }
        return screenings
      }
    } catch {
      throw StoreError(operation: "purge records older than the retention period", underlying: error)
    }
  }
}
