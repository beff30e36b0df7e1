import Foundation
import GRDB
import Testing

@testable import ThermoDispatch
@testable import ThermoStore

/// A stored alert of an unknown kind is not delivered as a guess, and does not hold up the alerts
/// queued behind it: its delivery fails with the reason.
@Suite(.timeLimit(.minutes(1))) struct UnknownAlertKindDispatchTests {
  @Test func theUnreadableAlertFailsAndTheOthersGo() async throws {
    let path = temporaryDatabase()
    let store = try AlertStore(path: path)
    let queue = try DatabaseQueue(path: path)
    try await queue.write { db in
      try db.execute(
        sql: """
          INSERT INTO alert (kind, entrance, raised_at, summary, details, group_key, last_notified_at)
          VALUES ('smoke', 'north', 1, 'smoke at north', '{}', 'smoke|north|-', 1);
          INSERT INTO delivery (alert_id, sink, sequence, status, next_attempt_at) VALUES (1, 'webhook', 0, 'pending', 1);
          """)
    }
    let sink = RecordingSink(name: "webhook")
    let dispatcher = Dispatcher(
      store: store, settings: .init(routing: Routing(routes: [Route(sinks: ["webhook"])])), sinks: [sink])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    try await dispatcher.raise(
      Alert(kind: .fever, entrance: "north", raisedAt: Date().timeIntervalSince1970, summary: "fever", screeningID: 1))
    #expect(await eventually { sink.keys == ["alert-2-webhook"] })
    let failed = try queue.read { db in
      try Row.fetchOne(db, sql: "SELECT status, last_error FROM delivery WHERE alert_id = 1")
    }
    #expect(failed?["status"] == "failed")
    #expect((failed?["last_error"] as String?)?.contains("unknown alert kind 'smoke'") == true)
  }
}
