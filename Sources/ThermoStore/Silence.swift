import GRDB

/// A maintenance silence: alerts matching it are recorded but not delivered until it ends.
/// Nil fields match anything.
public struct Silence: Sendable, Equatable {
  public var id: Int64?
  public var entrance: String?
  public var device: String?
  public var kind: AlertKind?
  public var reason: String
  public var createdBy: String
  public var startsAt: Double
  public var endsAt: Double

  public init(
    id: Int64? = nil, entrance: String? = nil, device: String? = nil, kind: AlertKind? = nil, reason: String,
    createdBy: String, startsAt: Double, endsAt: Double
  ) {
    self.id = id
    self.entrance = entrance
    self.device = device
    self.kind = kind
    self.reason = reason
    self.createdBy = createdBy
    self.startsAt = startsAt
    self.endsAt = endsAt
  }

  public func covers(_ alert: Alert, at time: Double) -> Bool {
    !alert.ignoresSilences && startsAt <= time && time < endsAt && (entrance == nil || entrance == alert.entrance)
      && (device == nil || device == alert.device) && (kind == nil || kind == alert.kind)
  }

  init(row: Row) {
    id = row["id"]
    entrance = row["entrance"]
    device = row["device"]
    kind = (row["kind"] as String?).flatMap(AlertKind.init(rawValue:))
    reason = row["reason"]
    createdBy = row["created_by"]
    startsAt = row["starts_at"]
    endsAt = row["ends_at"]
  }
}

extension AlertStore {
  static func activeSilence(_ db: Database, for alert: Alert, at time: Double) throws -> Int64? {
    let rows = try Row.fetchAll(
      db, sql: "SELECT * FROM silence WHERE starts_at <= ? AND ends_at > ?", arguments: [time, time])
    return rows.map(Silence.init(row:)).first { $0.covers(alert, at: time) }?.id
  }

  public func addSilence(_ silence: Silence) throws(StoreError) -> Int64 {
    do {
      return try database.write { db in
        try db.execute(
          sql: """
            INSERT INTO silence (entrance, device, kind, reason, created_by, starts_at, ends_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            silence.entrance, silence.device, silence.kind?.rawValue, silence.reason, silence.createdBy,
            silence.startsAt, silence.endsAt,
          ])
        return db.lastInsertedRowID
      }
    } catch {
      throw StoreError(operation: "add a silence", underlying: error)
    }
  }

  /// Silences not yet ended at `now`, soonest ending first.
  public func silences(activeAt now: Double) throws(StoreError) -> [Silence] {
    do {
      return try database.read { db in
        try Row.fetchAll(db, sql: "SELECT * FROM silence WHERE ends_at > ? ORDER BY ends_at", arguments: [now])
          .map(Silence.init(row:))
      }
    } catch {
      throw StoreError(operation: "list silences", underlying: error)
    }
  }

  /// Ends a silence now. Returns false when there was no such silence.
  public func removeSilence(id: Int64) throws(StoreError) -> Bool {
    do {
      return try database.write { db in
        try db.execute(sql: "DELETE FROM silence WHERE id = ?", arguments: [id])
        return db.changesCount > 0
      }
    } catch {
      throw StoreError(operation: "remove silence \(id)", underlying: error)
    }
  }
}
