import Foundation
import GRDB
import Testing

@testable import ThermoStore

/// A stored alert of a kind this gateway does not know is an error naming the row, never a
/// guess (it used to read as `device_fault`).
@Suite struct UnknownAlertKindTests {
  func storeWithAnUnknownKind() throws -> (AlertStore, Int64) {
    let path = temporaryDatabase()
    let store = try AlertStore(path: path)
    _ = try store.accept(
      Alert(kind: .deviceFault, entrance: "north", device: "hid:1", raisedAt: 10, summary: "fault"),
      routing: RoutingDecision(sinks: ["webhook"], escalateTo: [], escalateAfter: nil))
    // Written by something else (a newer gateway, a hand edit), straight through SQLite.
    let queue = try DatabaseQueue(path: path)
    let id = try queue.write { db -> Int64 in
      try db.execute(
        sql: """
          INSERT INTO alert (kind, entrance, raised_at, summary, details, group_key, last_notified_at)
          VALUES ('smoke', 'north', 20, 'smoke at north', '{}', 'smoke|north|-', 20)
          """)
      let id = db.lastInsertedRowID
      try db.execute(
        sql:
          "INSERT INTO delivery (alert_id, sink, sequence, status, next_attempt_at) VALUES (?, 'webhook', 0, 'pending', 20)",
        arguments: [id])
      return id
    }
    return (store, id)
  }

  @Test func listingAlertsNamesTheRowAndTheKind() throws {
    let (store, id) = try storeWithAnUnknownKind()
    let error = try #require(throws: StoreError.self) { try store.alerts() }
    #expect(error.alertID == id)
    #expect(error.description.contains("read alert \(id): unknown alert kind 'smoke'"))
    #expect(throws: StoreError.self) { try store.alert(id: id) }
  }

  @Test func aDueDeliveryOfItIsRefusedAndCanBeFailed() throws {
    let (store, id) = try storeWithAnUnknownKind()
    let error = try #require(throws: StoreError.self) { try store.dueDeliveries(sink: "webhook", now: 100) }
    #expect(error.alertID == id)
    #expect(error.description.contains("unknown alert kind 'smoke'"))
    try store.failPendingDeliveries(alertID: id, sink: "webhook", reason: error.description)
    // The alerts queued with it still go.
    #expect(try store.dueDeliveries(sink: "webhook", now: 100).map(\.alertID) == [1])
  }
}
