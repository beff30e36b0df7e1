import GRDB

/// A guard's emergency release (free passage): while it is active the turnstiles it covers let
/// everyone through. Rows are never deleted or changed except to record the clearing, so the
/// table is the audit trail of who opened which lanes, when and why, and who closed them.
public struct EmergencyRelease: Sendable, Equatable {
  public var id: Int64
  /// Nil: every entrance.
  public var entrance: String?
  public var startedAt: Double
  public var startedBy: String
  public var reason: String
  public var clearedAt: Double?
  public var clearedBy: String?

  public init(
    id: Int64, entrance: String?, startedAt: Double, startedBy: String, reason: String, clearedAt: Double? = nil,
    clearedBy: String? = nil
  ) {
    self.id = id
    self.entrance = entrance
    self.startedAt = startedAt
    self.startedBy = startedBy
    self.reason = reason
    self.clearedAt = clearedAt
    self.clearedBy = clearedBy
  }

  /// Whether the release covers the entrance.
  public func covers(_ name: String) -> Bool { entrance == nil || entrance == name }

  init(row: Row) {
    id = row["id"]
    entrance = row["entrance"]
    startedAt = row["started_at"]
    startedBy = row["started_by"]
    reason = row["reason"]
    clearedAt = row["cleared_at"]
    clearedBy = row["cleared_by"]
  }
}

extension AlertStore {
  static func registerEmergencyRelease(_ migrator: inout DatabaseMigrator) {
    migrator.registerMigration("v4-emergency") { db in
      try db.execute(
        sql: """
          CREATE TABLE emergency_release (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entrance TEXT,
            started_at REAL NOT NULL,
            started_by TEXT NOT NULL,
            reason TEXT NOT NULL,
            cleared_at REAL,
            cleared_by TEXT
          );
          CREATE INDEX emergency_release_active ON emergency_release(cleared_at);
          """)
    }
  }

  /// Records a release of `entrance` (nil: every entrance); returns its ID. Who and why are
  /// required: the row is what an inspection reads afterwards.
  public func startEmergencyRelease(entrance: String?, by person: String, reason: String, at time: Double)
    throws(StoreError) -> Int64
  {
    let operation = "start an emergency release"
    let person = person.trimmingCharacters(in: .whitespaces)
    let reason = reason.trimmingCharacters(in: .whitespaces)
    guard !person.isEmpty else { throw StoreError(operation: operation, message: "who releases must be named") }
    guard !reason.isEmpty else { throw StoreError(operation: operation, message: "the reason must be given") }
    do {
      return try database.write { db in
        try db.execute(
          sql: "INSERT INTO emergency_release (entrance, started_at, started_by, reason) VALUES (?, ?, ?, ?)",
          arguments: [entrance, time, person, reason])
        return db.lastInsertedRowID
      }
    } catch {
      throw StoreError(operation: operation, underlying: error)
    }
  }

  /// Clears the active releases of `entrance` (nil: every active release, whatever it covers);
  /// returns how many. A release of every entrance is not ended by clearing one of them: the
  /// other lanes would stay open on a release nobody sees any more.
  @discardableResult
  public func clearEmergencyRelease(entrance: String?, by person: String, at time: Double) throws(StoreError) -> Int {
    let operation = "clear an emergency release"
    let person = person.trimmingCharacters(in: .whitespaces)
    guard !person.isEmpty else { throw StoreError(operation: operation, message: "who clears must be named") }
    do {
      return try database.write { db in
        if let entrance {
          try db.execute(
            sql: """
              UPDATE emergency_release SET cleared_at = ?, cleared_by = ?
              WHERE cleared_at IS NULL AND entrance = ?
              """, arguments: [time, person, entrance])
        } else {
          try db.execute(
            sql: "UPDATE emergency_release SET cleared_at = ?, cleared_by = ? WHERE cleared_at IS NULL",
            arguments: [time, person])
        }
        return db.changesCount
      }
    } catch {
      throw StoreError(operation: operation, underlying: error)
    }
  }

  /// The releases in force, oldest first.
  public func activeEmergencyReleases() throws(StoreError) -> [EmergencyRelease] {
    try emergencyReleaseState().active
  }

  /// The releases in force and the table's version: the number of changes ever made to it
  /// (rows are only added, and cleared once), so of two states read one after the other the
  /// later has the higher or the same version. The relays apply a state only if it is not older
  /// than the one they hold: two guards acting at once cannot leave them on the earlier one.
  public func emergencyReleaseState() throws(StoreError) -> (active: [EmergencyRelease], version: Int) {
    do {
      return try database.read { db in
        let active = try Row.fetchAll(
          db, sql: "SELECT * FROM emergency_release WHERE cleared_at IS NULL ORDER BY started_at, id"
        ).map(EmergencyRelease.init(row:))
        let version = try Int.fetchOne(db, sql: "SELECT COUNT(*) + COUNT(cleared_at) FROM emergency_release") ?? 0
        return (active, version)
      }
    } catch {
      throw StoreError(operation: "list the emergency releases", underlying: error)
    }
  }
}
