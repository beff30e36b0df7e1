import GRDB

/// The on-call chain's durable state: one row per alert that calls the doctor on call, one row
/// per stage, and each stage's delivery rows marked with the stage they belong to. Everything the
/// next stage needs is on disk, so a restarted dispatcher calls it on time.
extension AlertStore {
  static func registerOnCall(_ migrator: inout DatabaseMigrator) {
    migrator.registerMigration("v6-on-call") { db in
      try db.execute(
        sql: """
          CREATE TABLE on_call_call (
            alert_id INTEGER PRIMARY KEY REFERENCES alert(id) ON DELETE CASCADE,
            on_call TEXT,
            deadline REAL NOT NULL,
            stage INTEGER NOT NULL,
            next_stage_at REAL
          );
          CREATE INDEX on_call_call_due ON on_call_call(next_stage_at);
          CREATE TABLE on_call_stage (
            alert_id INTEGER NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
            stage INTEGER NOT NULL,
            role TEXT NOT NULL,
            name TEXT,
            channels TEXT NOT NULL,
            called_at REAL,
            PRIMARY KEY (alert_id, stage)
          );
          ALTER TABLE delivery ADD COLUMN on_call_stage INTEGER;
          """)
    }
  }

  /// Stores the chain of a newly accepted alert and calls its first stage (in the accepting
  /// transaction). Returns the sinks that stage notifies.
  static func startOnCall(_ db: Database, alertID: Int64, chain: OnCallChain) throws -> [String] {
    guard !chain.stages.isEmpty else { return [] }
    for (index, stage) in chain.stages.enumerated() {
      try db.execute(
        sql: "INSERT INTO on_call_stage (alert_id, stage, role, name, channels) VALUES (?, ?, ?, ?, ?)",
        arguments: [alertID, index, stage.role.rawValue, stage.name, stage.channels.joined(separator: ",")])
    }
    try db.execute(
      sql: "INSERT INTO on_call_call (alert_id, on_call, deadline, stage, next_stage_at) VALUES (?, ?, ?, -1, ?)",
      arguments: [alertID, chain.onCall, chain.deadline, chain.resolvedAt])
    return try callNextStage(db, alertID: alertID, at: chain.resolvedAt) ?? []
  }

  /// Calls the stage after the current one: a delivery row (a fresh sequence, so a fresh
  /// idempotency key) for each of its sinks. Returns those sinks; nil when there is no next stage.
  @discardableResult
  private static func callNextStage(_ db: Database, alertID: Int64, at now: Double) throws -> [String]? {
    guard
      let call = try Row.fetchOne(
        db, sql: "SELECT stage, deadline FROM on_call_call WHERE alert_id = ?", arguments: [alertID])
    else { return nil }
    let next = (call["stage"] as Int) + 1
    let deadline: Double = call["deadline"]
    guard
      let channels = try String.fetchOne(
        db, sql: "SELECT channels FROM on_call_stage WHERE alert_id = ? AND stage = ?", arguments: [alertID, next])
    else {
      try db.execute(sql: "UPDATE on_call_call SET next_stage_at = NULL WHERE alert_id = ?", arguments: [alertID])
      return nil
    }
    let sinks = channels.split(separator: ",").map(String.init)
    for sink in sinks {
      let sequence =
        try Int.fetchOne(
          db, sql: "SELECT COALESCE(MAX(sequence) + 1, 0) FROM delivery WHERE alert_id = ? AND sink = ?",
          arguments: [alertID, sink]) ?? 0
      try db.execute(
        sql: """
          INSERT INTO delivery (alert_id, sink, sequence, status, next_attempt_at, on_call_stage)
          VALUES (?, ?, ?, 'pending', ?, ?)
          """, arguments: [alertID, sink, sequence, now, next])
    }
    let hasLater =
      try Bool.fetchOne(
        db, sql: "SELECT EXISTS (SELECT 1 FROM on_call_stage WHERE alert_id = ? AND stage = ?)",
        arguments: [alertID, next + 1]) ?? false
    try db.execute(
      sql: "UPDATE on_call_stage SET called_at = ? WHERE alert_id = ? AND stage = ?", arguments: [now, alertID, next])
    try db.execute(
      sql: "UPDATE on_call_call SET stage = ?, next_stage_at = ? WHERE alert_id = ?",
      arguments: [next, hasLater ? now + deadline : nil, alertID])
    return sinks
  }

  /// A stage every one of whose deliveries failed for good cannot reach its person: the next
  /// stage is called at once rather than at the deadline.
  static func hurryOnCallIfStageUnreachable(_ db: Database, job: DeliveryJob, at now: Double) throws {
    try db.execute(
      sql: """
        UPDATE on_call_call SET next_stage_at = ?
        WHERE alert_id = ? AND next_stage_at > ?
          AND stage = (SELECT on_call_stage FROM delivery WHERE alert_id = ? AND sink = ? AND sequence = ?)
          AND NOT EXISTS (
            SELECT 1 FROM delivery d
            WHERE d.alert_id = on_call_call.alert_id AND d.on_call_stage = on_call_call.stage AND d.status != 'failed')
        """, arguments: [now, job.alertID, now, job.alertID, job.sink, job.sequence])
  }

  /// Calls the next stage of every open, unacknowledged alert whose stage deadline has passed.
  /// Returns the alerts that called somebody new.
  public func advanceOnCall(now: Double) throws(StoreError) -> [Int64] {
    do {
      return try database.write { db in
        let due = try Int64.fetchAll(
          db,
          sql: """
            SELECT c.alert_id FROM on_call_call c JOIN alert a ON a.id = c.alert_id
            WHERE c.next_stage_at IS NOT NULL AND c.next_stage_at <= ?
              AND a.acknowledged_at IS NULL AND a.resolved_at IS NULL
            ORDER BY c.next_stage_at, c.alert_id
            """, arguments: [now])
        var called: [Int64] = []
        for alertID in due {
          guard try Self.callNextStage(db, alertID: alertID, at: now) != nil else { continue }
          try db.execute(sql: "UPDATE alert SET last_notified_at = ? WHERE id = ?", arguments: [now, alertID])
          called.append(alertID)
        }
        return called
      }
    } catch {
      throw StoreError(operation: "call the next on-call stage", underlying: error)
    }
  }

  /// The alert's on-call chain: who was on call, whom it has called and when; nil when the alert
  /// called nobody on call.
  public func onCallCall(alertID: Int64) throws(StoreError) -> OnCallCall? {
    do {
      return try database.read { db -> OnCallCall? in
        guard
          let call = try Row.fetchOne(
            db, sql: "SELECT * FROM on_call_call WHERE alert_id = ?", arguments: [alertID])
        else { return nil }
        let stages = try Row.fetchAll(
          db, sql: "SELECT * FROM on_call_stage WHERE alert_id = ? ORDER BY stage", arguments: [alertID]
        ).map { row in
          OnCallCall.CalledStage(
            stage: OnCallStage(
              role: OnCallStage.Role(rawValue: row["role"]) ?? .dutyOffice, name: row["name"],
              channels: (row["channels"] as String).split(separator: ",").map(String.init)),
            calledAt: row["called_at"])
        }
        let isOpen =
          try Bool.fetchOne(
            db, sql: "SELECT acknowledged_at IS NULL AND resolved_at IS NULL FROM alert WHERE id = ?",
            arguments: [alertID]) ?? false
        return OnCallCall(
          alertID: alertID, onCall: call["on_call"], stages: stages, current: call["stage"],
          nextStageAt: isOpen ? call["next_stage_at"] : nil, deadline: call["deadline"])
      }
    } catch {
      throw StoreError(operation: "read the on-call chain of alert \(alertID)", underlying: error)
    }
  }
}
