import Foundation
import GRDB
import Testing

@testable import ThermoStore

/// An idempotency key without its store prefix, to compare with `alert-<id>-<sink>`.
func unscoped(_ key: String) -> String {
  String(key.split(separator: ":").last ?? "")
}

func temporaryDatabase() -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("thermogate-\(UUID().uuidString).sqlite").path
}

@Suite struct AlertStoreTests {
  let routing = RoutingDecision(sinks: ["gate", "webhook"], escalateTo: ["duty"], escalateAfter: 120)

  func fever(_ screening: Int64, at time: Double = 1000) -> Alert {
    Alert(kind: .fever, entrance: "north", raisedAt: time, summary: "fever 38.4 °C", screeningID: screening)
  }

  @Test func theAlertsAcknowledgedLastComeFirstAndOpenOnesNotAtAll() throws {
    let store = try AlertStore(path: temporaryDatabase())
    for screening in Int64(1)...4 { _ = try store.accept(fever(screening), routing: routing) }
    #expect(try store.acknowledge(id: 3, by: "Dr Duty", at: 1100))
    #expect(try store.acknowledge(id: 1, by: "Dr Duty", at: 1200))
    #expect(try store.acknowledgedAlerts(limit: 10).map(\.id) == [1, 3])
    #expect(try store.acknowledgedAlerts(limit: 1).map(\.id) == [1])
  }

  @Test func anAcceptedAlertAndItsDeliveriesAreOnDiskInDurableMode() throws {
    let path = temporaryDatabase()
    do {
      let store = try AlertStore(path: path)
      #expect(try store.accept(fever(1), routing: routing) == .accepted(id: 1, sinks: ["gate", "webhook"]))
      let modes = try store.database.read { db in
        (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"))
      }
      #expect(modes.0 == "wal")
      let writerSync = try store.database.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
      #expect(writerSync == 2)  // FULL
      _ = modes
    }
    // A new process opening the file finds everything.
    let reopened = try AlertStore(path: path)
    let due = try reopened.dueDeliveries(sink: "webhook", now: 1000)
    #expect(due.map(\.alertID) == [1])
    #expect(due.first?.idempotencyKey == "\(reopened.storeID):alert-1-webhook")
    #expect(reopened.storeID.count == 16)
    #expect(try reopened.alerts().first?.deliveries.map(\.sink) == ["gate", "webhook"])
  }

  @Test func anOpenConditionIsOneAlertUntilResolved() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let fault = Alert(kind: .deviceFault, entrance: "north", device: "d1", raisedAt: 10, summary: "stuck")
    let logOnly = RoutingDecision(sinks: ["log"], escalateTo: [], escalateAfter: nil)
    #expect(try store.accept(fault, routing: logOnly) == .accepted(id: 1, sinks: ["log"]))
    #expect(try store.accept(fault, routing: logOnly) == .duplicate(id: 1))
    try store.resolve(kind: .deviceFault, entrance: "north", device: "d1", at: 20)
    #expect(try store.accept(fault, routing: logOnly) == .accepted(id: 2, sinks: ["log"]))
  }

  @Test func retriesArePersistedAndFailuresEscalateAtOnce() throws {
    let store = try AlertStore(path: temporaryDatabase())
    _ = try store.accept(fever(1), routing: routing)
    let job = try #require(try store.dueDeliveries(sink: "webhook", now: 1000).first)
    let policy = RetryPolicy(initialDelay: 4, jitter: 0)
    try store.record(.retry("HTTP 503"), for: job, at: 1001, retry: policy, random: 0.5)
    #expect(try store.dueDeliveries(sink: "webhook", now: 1004.9).isEmpty)
    let again = try #require(try store.dueDeliveries(sink: "webhook", now: 1005).first)
    #expect(again.attempts == 1)
    #expect(try store.nextDueTime(sink: "webhook") == 1005)
    try store.record(.failed("HTTP 410"), for: again, at: 1006, retry: policy, random: 0.5)
    // Not yet two minutes, but a sink refused for good: the escalation goes now.
    #expect(try store.escalate(now: 1007) == [1])
    #expect(try store.dueDeliveries(sink: "duty", now: 1007).map(\.alertID) == [1])
    #expect(try store.escalate(now: 2000) == [])
  }

  @Test func anUnacknowledgedFeverEscalatesAtItsDeadlineAndRepeats() throws {
    let store = try AlertStore(path: temporaryDatabase())
    _ = try store.accept(fever(1), routing: routing)
    _ = try store.accept(fever(2), routing: routing)
    #expect(try store.acknowledge(id: 2, by: "Dr. Ruiz", at: 1050))
    #expect(try !store.acknowledge(id: 2, by: "someone else", at: 1051))
    #expect(try store.escalate(now: 1119) == [])
    #expect(try store.escalate(now: 1120) == [1])
    // Delivered the first time round (a sink still busy with it would get no repeat).
    for sink in ["gate", "webhook", "duty"] {
      for job in try store.dueDeliveries(sink: sink, now: 1200) {
        try store.record(.delivered, for: job, at: 1200, retry: RetryPolicy(), random: 0)
      }
    }
    #expect(try store.repeatUnacknowledged(kinds: [.fever], interval: 300, now: 1299) == [])
    #expect(try store.repeatUnacknowledged(kinds: [.fever], interval: 300, now: 1300) == [1])
    let repeats = try store.dueDeliveries(sink: "gate", now: 1300).filter { $0.sequence == 1 }
    #expect(repeats.map(\.localKey) == ["alert-1-gate-1"])
  }

  @Test func aSilencedAlertIsRecordedButNotDelivered() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let id = try store.addSilence(
      Silence(entrance: "north", reason: "lens cleaning", createdBy: "tech", startsAt: 900, endsAt: 1100))
    #expect(try store.accept(fever(1), routing: routing) == .silenced(id: 1, silenceID: id))
    #expect(try store.dueDeliveries(sink: "gate", now: 2000).isEmpty)
    #expect(try store.accept(fever(2, at: 1200), routing: routing) == .accepted(id: 2, sinks: ["gate", "webhook"]))
    #expect(try store.silences(activeAt: 1000).count == 1)
    #expect(try store.removeSilence(id: id))
    #expect(try store.silences(activeAt: 1000).isEmpty)
  }

  @Test func aReadOnlyDatabaseIsAStorageFailure() throws {
    let path = temporaryDatabase()
    _ = try AlertStore(path: path)
    let readOnly = try DatabaseQueue(
      path: path,
      configuration: {
        var c = Configuration(); c.readonly = true; return c
      }())
    do {
      try readOnly.write { db in
        try db.execute(sql: "INSERT INTO silence (reason, created_by, starts_at, ends_at) VALUES ('x','y',0,1)")
      }
      Issue.record("a read-only connection wrote")
    } catch {
      #expect(StoreError(operation: "test", underlying: error).isStorageUnavailable)
    }
  }
}

@Suite struct RepeatAudienceTests {
  @Test func aRepeatGoesToEverySinkTheAlertReachedIncludingTheEscalation() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let routing = RoutingDecision(sinks: ["gate"], escalateTo: ["duty"], escalateAfter: 120)
    _ = try store.accept(
      Alert(kind: .fever, entrance: "north", raisedAt: 1000, summary: "", screeningID: 1), routing: routing)
    _ = try store.escalate(now: 1120)
    for sink in ["gate", "duty"] {
      for job in try store.dueDeliveries(sink: sink, now: 1200) {
        try store.record(.delivered, for: job, at: 1200, retry: RetryPolicy(), random: 0)
      }
    }
    _ = try store.repeatUnacknowledged(kinds: [.fever], interval: 300, now: 1300)
    let keys = try store.alerts().first?.deliveries.map { "\($0.sink)-\($0.sequence)" }
    #expect(keys == ["duty-0", "gate-0", "duty-1", "gate-1"])
    // The repeat timer restarted: nothing more until another full interval.
    #expect(try store.repeatUnacknowledged(kinds: [.fever], interval: 300, now: 1599) == [])
  }
}

@Suite struct IdempotencyScopeTests {
  @Test func twoGatewaysNeverSendDifferentAlertsUnderOneKey() throws {
    let routing = RoutingDecision(sinks: ["webhook"])
    let north = try AlertStore(path: temporaryDatabase())
    let south = try AlertStore(path: temporaryDatabase())
    _ = try north.accept(
      Alert(kind: .fever, entrance: "north", raisedAt: 1, summary: "", screeningID: 1), routing: routing)
    _ = try south.accept(
      Alert(kind: .fever, entrance: "south", raisedAt: 2, summary: "", screeningID: 1), routing: routing)
    let a = try #require(try north.dueDeliveries(sink: "webhook", now: 10).first)
    let b = try #require(try south.dueDeliveries(sink: "webhook", now: 10).first)
    #expect(a.localKey == b.localKey)
    #expect(a.idempotencyKey != b.idempotencyKey)
  }
}
