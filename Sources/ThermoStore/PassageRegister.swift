import Foundation
import GRDB
import ThermoCore

/// One access decision as the register keeps it: who (as the person-ID rule allows), where,
/// when, granted or denied and why, and the screening it rests on.
public struct PassageEntry: Sendable, Equatable {
  public var id: Int64?
  public var entrance: String
  /// Wall-clock seconds.
  public var time: Double
  public var mode: String
  public var outcome: String
  public var reason: String
  public var person: String?
  /// `staff` or `visitor` when the credential was valid.
  public var holder: String?
  /// The register row of the screening, when the person was screened.
  public var screeningID: Int64?
  public var screeningClass: String?
  public var bodyC: Double?

  /// The entry for a decision whose time is already wall-clock; `person` is protected by `policy`.
  public init(decision: AccessDecision, entrance: String, policy: PersonIDPolicy) {
    id = nil
    self.entrance = entrance
    time = decision.time
    mode = decision.mode.rawValue
    outcome = decision.outcome.rawValue
    reason = decision.reason.rawValue
    person = policy.protect(decision.person)
    holder = decision.holder?.rawValue
    screeningID = nil
    screeningClass = decision.screening?.screeningClass.rawValue
    bodyC = decision.screening?.bodyC
  }

  init(row: Row) {
    id = row["id"]
    entrance = row["entrance"]
    time = row["time"]
    mode = row["mode"]
    outcome = row["outcome"]
    reason = row["reason"]
    person = row["person"]
    holder = row["holder"]
    screeningID = row["screening_id"]
    screeningClass = row["screening_class"]
    bodyC = row["body_c"]
  }
}

/// What one entrance's batch of work writes at once: its screenings and its decisions, a
/// decision naming the screening it rests on by its index in `screenings`.
public struct RegisterBatch: Sendable {
  public var screenings: [RegisterEntry] = []
  public var passages: [(entry: PassageEntry, screening: Int?)] = []

  public init() {}

  public var isEmpty: Bool { screenings.isEmpty && passages.isEmpty }
}

extension AlertStore {
  static func registerPassages(_ migrator: inout DatabaseMigrator) {
    migrator.registerMigration("v3-passage") { db in
      try db.execute(
        sql: """
          CREATE TABLE passage (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entrance TEXT NOT NULL,
            time REAL NOT NULL,
            mode TEXT NOT NULL,
            outcome TEXT NOT NULL,
            reason TEXT NOT NULL,
            person TEXT,
            holder TEXT,
            screening_id INTEGER,
            screening_class TEXT,
            body_c REAL
          );
          CREATE INDEX passage_time ON passage(time);
          """)
    }
  }

  /// Writes a batch in one transaction: a grant's decision is on disk with its screening
  /// before anyone is let through. Returns the new row IDs, in order.
  @discardableResult
  public func register(_ batch: RegisterBatch) throws(StoreError) -> (screenings: [Int64], passages: [Int64]) {
    guard !batch.isEmpty else { return ([], []) }
    do {
      return try database.write { db in
        let screenings = try batch.screenings.map { entry in try Self.insert(entry, into: db) }
        let passages = try batch.passages.map { passage, screening in
          var entry = passage
          if let screening, screenings.indices.contains(screening) { entry.screeningID = screenings[screening] }
          try db.execute(
            sql: """
              INSERT INTO passage (entrance, time, mode, outcome, reason, person, holder, screening_id,
                screening_class, body_c)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
              """,
            arguments: [
              entry.entrance, entry.time, entry.mode, entry.outcome, entry.reason, entry.person, entry.holder,
              entry.screeningID, entry.screeningClass, entry.bodyC,
            ])
          return db.lastInsertedRowID
        }
        return (screenings, passages)
      }
    } catch {
      throw StoreError(
        operation: "register \(batch.screenings.count) screening(s) and \(batch.passages.count) access decision(s)",
        underlying: error)
    }
  }

  /// Access decisions with `since <= time < until`, oldest first.
  public func passages(since: Double = -.infinity, until: Double = .infinity, limit: Int = .max) throws(StoreError)
    -> [PassageEntry]
  {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db, sql: "SELECT * FROM passage WHERE time >= ? AND time < ? ORDER BY time, id LIMIT ?",
          arguments: [since.isFinite ? since : -1e18, until.isFinite ? until : 1e18, limit]
        ).map(PassageEntry.init(row:))
      }
    } catch {
      throw StoreError(operation: "read the access decisions", underlying: error)
    }
  }

  /// Access decisions with `since <= time < until` counted by entrance, outcome, reason and
  /// holder (`staff`, `visitor`, or `none` for a credential that was not valid or absent).
  public func passageCounts(since: Double, until: Double = .infinity) throws(StoreError) -> [PassageCount] {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT entrance, outcome, reason, COALESCE(holder, 'none') AS holder, COUNT(*) AS n FROM passage
            WHERE time >= ? AND time < ? GROUP BY entrance, outcome, reason, holder ORDER BY entrance, outcome, reason
            """,
          arguments: [since, until.isFinite ? until : 1e18]
        ).map { row in
          PassageCount(
            entrance: row["entrance"], outcome: row["outcome"], reason: row["reason"], holder: row["holder"],
            count: row["n"])
        }
      }
    } catch {
      throw StoreError(operation: "count the access decisions", underlying: error)
    }
  }
}

/// How many access decisions of one kind an entrance made.
public struct PassageCount: Sendable, Equatable {
  public var entrance: String
  public var outcome: String
  public var reason: String
  public var holder: String
  public var count: Int
}
