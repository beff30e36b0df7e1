import Foundation
import GRDB

/// The dispatcher's durable state in one SQLite file: alerts, one delivery row per (alert, sink,
/// repeat), silences. WAL with `synchronous=FULL`, so an alert whose acceptance returned is on
/// disk before anyone is told it was raised (a committed transaction survives kill -9 and, on
/// storage that honours fsync, power loss).
///
/// The methods block. Offline tools call them directly; the daemon calls them through
/// `writing { }` and `reading { }`, which run them on the store's own threads.
public final class AlertStore: Sendable {
  let database: DatabasePool
  public let path: String
  /// Random, made when the database is created: it scopes idempotency keys, so two gateways
  /// (or one whose database was recreated) never send different alerts under the same key.
  public let storeID: String
  /// Where the blocking work of `writing` and `reading` runs (never the async pool).
  let threads = StoreThreads()

  public init(path: String) throws(StoreError) {
    self.path = path
    var configuration = Configuration()
    // Readers and the writer are separate connections: a webhook worker reading due rows
    // never waits for an alert being accepted.
    configuration.busyMode = .timeout(5)
    do {
      database = try DatabasePool(path: path, configuration: configuration)
      try Self.migrator.migrate(database)
      // GRDB turns WAL on with synchronous=NORMAL after `prepareDatabase`; the pool's single
      // writer connection is set back to FULL here and keeps it for its life.
      try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
      storeID = try database.read { db in
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_id'") ?? ""
      }
    } catch {
      throw StoreError(operation: "open the alert store \(path)", underlying: error)
    }
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE alert (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            entrance TEXT NOT NULL,
            device TEXT,
            raised_at REAL NOT NULL,
            summary TEXT NOT NULL,
            details TEXT NOT NULL,
            group_key TEXT NOT NULL,
            screening_id INTEGER,
            acknowledged_by TEXT,
            acknowledged_at REAL,
            resolved_at REAL,
            escalate_to TEXT NOT NULL DEFAULT '',
            escalate_after REAL,
            escalated_at REAL,
            last_notified_at REAL NOT NULL,
            silenced_by INTEGER
          );
          CREATE INDEX alert_group ON alert(group_key, id);
          CREATE INDEX alert_open ON alert(resolved_at, acknowledged_at);
          CREATE TABLE delivery (
            alert_id INTEGER NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
            sink TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            last_error TEXT,
            delivered_at REAL,
            PRIMARY KEY (alert_id, sink, sequence)
          );
          CREATE INDEX delivery_due ON delivery(sink, status, next_attempt_at);
          CREATE TABLE screening (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entrance TEXT NOT NULL,
            device TEXT,
            time REAL NOT NULL,
            class TEXT NOT NULL,
            reason TEXT NOT NULL,
            raw_object_c REAL,
            skin_c REAL,
            ambient_c REAL,
            body_c REAL,
            threshold_c REAL NOT NULL,
            threshold_source TEXT NOT NULL,
            baseline_c REAL,
            guard_band_c REAL NOT NULL,
            calibration_id TEXT NOT NULL,
            body_model_version TEXT NOT NULL,
            recheck_id INTEGER,
            recheck_role TEXT,
            person TEXT,
            sample_count INTEGER NOT NULL
          );
          CREATE INDEX screening_time ON screening(time);
          CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
          INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(8))));
          CREATE TABLE silence (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entrance TEXT,
            device TEXT,
            kind TEXT,
            reason TEXT NOT NULL,
            created_by TEXT NOT NULL,
            starts_at REAL NOT NULL,
            ends_at REAL NOT NULL
          );
          """)
    }
    registerCalibrationLog(&migrator)
    registerDirectory(&migrator)
    registerPassages(&migrator)
    registerEmergencyRelease(&migrator)
    registerSecondary(&migrator)
    registerOnCall(&migrator)
    return migrator
  }

  /// What accepting an alert did.
  public enum Acceptance: Sendable, Equatable {
    /// Stored with these delivery rows.
    case accepted(id: Int64, sinks: [String])
    /// The same condition is already open (alert `id`): nothing new stored.
    case duplicate(id: Int64)
    /// A silence covers it: stored for the record, nothing delivered.
    case silenced(id: Int64, silenceID: Int64)
  }

  /// Stores the alert and its delivery rows in one transaction. When this returns `.accepted`,
  /// both are on disk.
  public func accept(_ alert: Alert, routing: RoutingDecision) throws(StoreError) -> Acceptance {
    do {
      return try database.write { db -> Acceptance in
        let previous = try Row.fetchOne(
          db,
          sql: """
            SELECT id, resolved_at, silenced_by FROM alert WHERE group_key = ? ORDER BY id DESC LIMIT 1
            """, arguments: [alert.groupKey])
        let history = previous.map { row in
          NotificationDecision.History(
            lastNotifiedAt: 0, isOpen: (row["resolved_at"] as Double?) == nil, isAcknowledged: false)
        }
        if NotificationDecision.forRaised(history: history) == .duplicate, let id: Int64 = previous?["id"] {
          return .duplicate(id: id)
        }
        let silence = try Self.activeSilence(db, for: alert, at: alert.raisedAt)
        // A condition raised again and again under the same silence is one silenced alert, not
        // a row per sample.
        if let silence, let previousSilence: Int64 = previous?["silenced_by"], previousSilence == silence,
          let id: Int64 = previous?["id"]
        {
          return .silenced(id: id, silenceID: silence)
        }
        try db.execute(
          sql: """
            INSERT INTO alert (kind, entrance, device, raised_at, summary, details, group_key, screening_id,
              escalate_to, escalate_after, resolved_at, last_notified_at, silenced_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            alert.kind.rawValue, alert.entrance, alert.device, alert.raisedAt, alert.summary, alert.details,
            alert.groupKey, alert.screeningID, routing.escalateTo.joined(separator: ","),
            silence == nil ? routing.escalateAfter : nil,
            // A silenced alert is recorded as already resolved: it must not block or repeat.
            silence == nil ? nil : alert.raisedAt, alert.raisedAt, silence,
          ])
        let id = db.lastInsertedRowID
        if let silence { return .silenced(id: id, silenceID: silence) }
        // The doctor's stage first: a sink both routed and on the doctor's channels is one
        // delivery, and it counts for the stage.
        let called = try routing.onCall.map { chain in
          try Self.startOnCall(db, alertID: id, chain: chain)
        }
        for sink in routing.sinks {
          try Self.insertDelivery(db, alertID: id, sink: sink, sequence: 0, dueAt: alert.raisedAt)
        }
        let sinks = routing.sinks + (called ?? []).filter { !routing.sinks.contains($0) }
        return .accepted(id: id, sinks: sinks)
      }
    } catch {
      throw StoreError(operation: "store a \(alert.kind.rawValue) alert for \(alert.entrance)", underlying: error)
    }
  }

  static func insertDelivery(_ db: Database, alertID: Int64, sink: String, sequence: Int, dueAt: Double) throws {
    try db.execute(
      sql: """
        INSERT OR IGNORE INTO delivery (alert_id, sink, sequence, status, next_attempt_at)
        VALUES (?, ?, ?, 'pending', ?)
        """, arguments: [alertID, sink, sequence, dueAt])
  }

  /// Deliveries of `sink` due at `now`, oldest first, with what the message needs.
  public func dueDeliveries(sink: String, now: Double, limit: Int = 50) throws(StoreError) -> [DeliveryJob] {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT d.alert_id, d.sink, d.sequence, d.attempts, a.kind, a.entrance, a.device, a.raised_at,
              a.summary, a.details, a.acknowledged_by
            FROM delivery d JOIN alert a ON a.id = d.alert_id
            WHERE d.sink = ? AND d.status = 'pending' AND d.next_attempt_at <= ?
            ORDER BY d.next_attempt_at, d.alert_id LIMIT ?
            """, arguments: [sink, now, limit]
        ).map { row throws(StoreError) in
          var job = try DeliveryJob(row: row)
          job.storeID = storeID
          return job
        }
      }
    } catch {
      throw StoreError(operation: "read due deliveries for \(sink)", underlying: error)
    }
  }

  /// Marks the pending deliveries of alert `alertID` to `sink` failed with `reason`: for a row
  /// that cannot be read (`StoreError.alertID`), so it neither goes out as something it is not
  /// nor holds up the alerts queued behind it. The failure shows on the alert's delivery rows.
  public func failPendingDeliveries(alertID: Int64, sink: String, reason: String) throws(StoreError) {
    do {
      try database.write { db in
        try db.execute(
          sql:
            "UPDATE delivery SET status = 'failed', last_error = ? WHERE alert_id = ? AND sink = ? AND status = 'pending'",
          arguments: [reason, alertID, sink])
      }
    } catch {
      throw StoreError(operation: "fail the deliveries of alert \(alertID) to \(sink)", underlying: error)
    }
  }

  /// When the next pending delivery of `sink` falls due, if any.
  public func nextDueTime(sink: String) throws(StoreError) -> Double? {
    do {
      return try database.read { db in
        try Double.fetchOne(
          db, sql: "SELECT MIN(next_attempt_at) FROM delivery WHERE sink = ? AND status = 'pending'",
          arguments: [sink])
      }
    } catch {
      throw StoreError(operation: "read the delivery queue of \(sink)", underlying: error)
    }
  }

  /// Records what a delivery attempt came to.
  public func record(
    _ outcome: DeliveryOutcome, for job: DeliveryJob, at now: Double, retry: RetryPolicy, random: Double
  ) throws(StoreError) {
    do {
      try database.write { db in
        switch outcome {
        case .delivered:
          try db.execute(
            sql: """
              UPDATE delivery SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL
              WHERE alert_id = ? AND sink = ? AND sequence = ?
              """, arguments: [now, job.alertID, job.sink, job.sequence])
        case .retry(let reason):
          let delay = retry.delay(afterAttempt: job.attempts + 1, random: random)
          try db.execute(
            sql: """
              UPDATE delivery SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
              WHERE alert_id = ? AND sink = ? AND sequence = ?
              """, arguments: [now + delay, reason, job.alertID, job.sink, job.sequence])
        case .failed(let reason):
          try db.execute(
            sql: """
              UPDATE delivery SET status = 'failed', attempts = attempts + 1, last_error = ?
              WHERE alert_id = ? AND sink = ? AND sequence = ?
              """, arguments: [reason, job.alertID, job.sink, job.sequence])
          // A sink that refuses for good escalates at once, whatever the deadline.
          try db.execute(
            sql: "UPDATE alert SET escalate_after = 0 WHERE id = ? AND escalated_at IS NULL AND escalate_to != ''",
            arguments: [job.alertID])
          try Self.hurryOnCallIfStageUnreachable(db, job: job, at: now)
        }
      }
    } catch {
      throw StoreError(operation: "record a delivery to \(job.sink)", underlying: error)
    }
  }

  /// Escalates alerts past their deadline and still unacknowledged (or with a failed delivery):
  /// one new delivery row per escalation sink. Returns the escalated alert ids.
  public func escalate(now: Double) throws(StoreError) -> [Int64] {
    do {
      return try database.write { db in
        let due = try Row.fetchAll(
          db,
          sql: """
            SELECT id, escalate_to FROM alert
            WHERE escalated_at IS NULL AND escalate_to != '' AND escalate_after IS NOT NULL
              AND acknowledged_at IS NULL AND resolved_at IS NULL AND raised_at + escalate_after <= ?
            """, arguments: [now])
        for row in due {
          let id: Int64 = row["id"]
          let sinks = (row["escalate_to"] as String).split(separator: ",").map(String.init)
          for sink in sinks {
            let sequence =
              try Int.fetchOne(
                db, sql: "SELECT COALESCE(MAX(sequence) + 1, 0) FROM delivery WHERE alert_id = ? AND sink = ?",
                arguments: [id, sink]) ?? 0
            try Self.insertDelivery(db, alertID: id, sink: sink, sequence: sequence, dueAt: now)
          }
          try db.execute(sql: "UPDATE alert SET escalated_at = ? WHERE id = ?", arguments: [now, id])
        }
        return due.map { $0["id"] }
      }
    } catch {
      throw StoreError(operation: "escalate overdue alerts", underlying: error)
    }
  }

  /// Repeats open, unacknowledged alerts of `kinds` whose last notification is older than
  /// `interval`: a new delivery row (next sequence) for each sink the alert went to.
  public func repeatUnacknowledged(kinds: Set<AlertKind>, interval: Double, now: Double) throws(StoreError) -> [Int64] {
    guard !kinds.isEmpty else { return [] }
    do {
      return try database.write { db in
        let kindList = kinds.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")
        let candidates = try Row.fetchAll(
          db,
          sql: """
            SELECT id, last_notified_at FROM alert
            WHERE kind IN (\(kindList)) AND acknowledged_at IS NULL AND resolved_at IS NULL
            """)
        var repeated: [Int64] = []
        for row in candidates {
          let id: Int64 = row["id"]
          let history = NotificationDecision.History(
            lastNotifiedAt: row["last_notified_at"], isOpen: true, isAcknowledged: false)
          guard NotificationDecision.forOpen(history: history, now: now, repeatInterval: interval) == .repeatInterval
          else { continue }
          // Every sink it has gone to, an escalation's included: all of them still wait for
          // somebody to act.
          let sinks = try Row.fetchAll(
            db, sql: "SELECT sink, MAX(sequence) AS last FROM delivery WHERE alert_id = ? GROUP BY sink",
            arguments: [id])
          for sink in sinks {
            // A sink still working on an earlier notice of this alert gets no second one.
            let pending =
              try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM delivery WHERE alert_id = ? AND sink = ? AND status = 'pending')",
                arguments: [id, sink["sink"] as String]) ?? false
            guard !pending else { continue }
            try Self.insertDelivery(
              db, alertID: id, sink: sink["sink"], sequence: (sink["last"] as Int) + 1, dueAt: now)
          }
          try db.execute(sql: "UPDATE alert SET last_notified_at = ? WHERE id = ?", arguments: [now, id])
          repeated.append(id)
        }
        return repeated
      }
    } catch {
      throw StoreError(operation: "repeat unacknowledged alerts", underlying: error)
    }
  }

  /// Marks the alert acknowledged. Returns false when there is no such alert or it already was.
  public func acknowledge(id: Int64, by person: String, at time: Double) throws(StoreError) -> Bool {
    do {
      return try database.write { db in
        try db.execute(
          sql: "UPDATE alert SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_at IS NULL",
          arguments: [person, time, id])
        return db.changesCount > 0
      }
    } catch {
      throw StoreError(operation: "acknowledge alert \(id)", underlying: error)
    }
  }

  /// Marks the open alert of a condition resolved (the device is back), so that the next one
  /// is a new alert.
  public func resolve(kind: AlertKind, entrance: String, device: String?, at time: Double) throws(StoreError) {
    let key = Alert(kind: kind, entrance: entrance, device: device, raisedAt: time, summary: "").groupKey
    do {
      try database.write { db in
        try db.execute(
          sql: "UPDATE alert SET resolved_at = ? WHERE group_key = ? AND resolved_at IS NULL", arguments: [time, key])
      }
    } catch {
      throw StoreError(operation: "resolve \(kind.rawValue) at \(entrance)", underlying: error)
    }
  }

  /// An alert row with the doctor who was on call when it was raised (`on_call`, nil when it
  /// called nobody on call).
  static let alertWithOnCall =
    "SELECT alert.*, on_call_call.on_call AS on_call FROM alert LEFT JOIN on_call_call ON on_call_call.alert_id = alert.id"

  /// Alerts, newest first, with their delivery rows.
  public func alerts(openOnly: Bool = false, limit: Int = 200) throws(StoreError) -> [AlertView] {
    try alerts(
      where: openOnly ? "WHERE resolved_at IS NULL AND acknowledged_at IS NULL" : "", order: "id DESC", limit: limit,
      operation: "list alerts")
  }

  /// The alerts acknowledged last, the latest first: what the duty office has just handled.
  public func acknowledgedAlerts(limit: Int) throws(StoreError) -> [AlertView] {
    try alerts(
      where: "WHERE acknowledged_at IS NOT NULL", order: "acknowledged_at DESC, id DESC", limit: limit,
      operation: "list acknowledged alerts")
  }

  private func alerts(where filter: String, order: String, limit: Int, operation: String) throws(StoreError)
    -> [AlertView]
  {
    do {
      return try database.read { db in
        let rows = try Row.fetchAll(
          db, sql: "\(Self.alertWithOnCall) \(filter) ORDER BY \(order) LIMIT ?", arguments: [limit])
        return try rows.map { row in
          let deliveries = try Row.fetchAll(
            db, sql: "SELECT * FROM delivery WHERE alert_id = ? ORDER BY sequence, sink", arguments: [row["id"]])
          return try AlertView(row: row, deliveries: deliveries.map(DeliveryView.init(row:)))
        }
      }
    } catch {
      throw StoreError(operation: operation, underlying: error)
    }
  }

  /// One alert by its ID, with its delivery rows.
  public func alert(id: Int64) throws(StoreError) -> AlertView? {
    do {
      return try database.read { db in
        guard let row = try Row.fetchOne(db, sql: "\(Self.alertWithOnCall) WHERE id = ?", arguments: [id]) else {
          return nil
        }
        let deliveries = try Row.fetchAll(
          db, sql: "SELECT * FROM delivery WHERE alert_id = ? ORDER BY sequence, sink", arguments: [id])
        return try AlertView(row: row, deliveries: deliveries.map(DeliveryView.init(row:)))
      }
    } catch {
      throw StoreError(operation: "read alert \(id)", underlying: error)
    }
  }

  /// How many deliveries wait, and since when the oldest (for metrics and health).
  public func queueDepth() throws(StoreError) -> (pending: Int, oldestDueAt: Double?) {
    do {
      return try database.read { db in
        let row = try Row.fetchOne(
          db, sql: "SELECT COUNT(*) AS n, MIN(next_attempt_at) AS oldest FROM delivery WHERE status = 'pending'")
        return (row?["n"] ?? 0, row?["oldest"])
      }
    } catch {
      throw StoreError(operation: "measure the delivery queue", underlying: error)
    }
  }
}

/// A storage failure, with what was being done.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
  public var operation: String
  public var message: String
  /// SQLite's primary result code, when SQLite said it.
  public var resultCode: Int32?
  /// The alert whose stored row could not be read, when that is what went wrong.
  public var alertID: Int64?

  public init(operation: String, message: String, resultCode: Int32? = nil, alertID: Int64? = nil) {
    self.operation = operation
    self.message = message
    self.resultCode = resultCode
    self.alertID = alertID
  }

  init(operation: String, underlying: any Error) {
    // A row this store refused to read keeps what it says and which alert it is, under the
    // operation that met it.
    if let refused = underlying as? StoreError {
      self.init(
        operation: operation, message: refused.description, resultCode: refused.resultCode, alertID: refused.alertID)
      return
    }
    let sqlite = underlying as? DatabaseError
    self.init(
      operation: operation, message: sqlite?.message ?? "\(underlying)",
      resultCode: sqlite.map { $0.resultCode.primaryResultCode.rawValue })
  }

  public var description: String { "\(operation): \(message)" }

  /// Disk full, read-only database or file, I/O error: the store cannot take writes now.
  public var isStorageUnavailable: Bool {
    guard let resultCode else { return false }
    return [
      ResultCode.SQLITE_FULL, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_CORRUPT, .SQLITE_PERM,
    ].map(\.rawValue).contains(resultCode)
  }
}
