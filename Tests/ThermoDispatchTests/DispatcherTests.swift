import Foundation
import Synchronization
import Testing

@testable import ThermoDispatch
@testable import ThermoStore

/// A sink the test controls: records what it got, fails the first `failures` attempts, and can
/// be made to hang.
final class RecordingSink: AlertSink {
  let name: String
  let isLocal: Bool
  let received = Mutex<[(key: String, at: Double)]>([])
  let failures: Mutex<Int>
  let hangs: Bool
  let permanent: Bool

  init(name: String, isLocal: Bool = false, failures: Int = 0, hangs: Bool = false, permanent: Bool = false) {
    self.name = name
    self.isLocal = isLocal
    self.failures = Mutex(failures)
    self.hangs = hangs
    self.permanent = permanent
  }

  func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    if hangs {
      try? await Task.sleep(for: .seconds(3600))
      return .retry("hung")
    }
    let fail = failures.withLock { left in
      defer { left -= 1 }
      return left > 0
    }
    if fail { return permanent ? .failed("410 gone") : .retry("503") }
    received.withLock { $0.append((job.localKey, Date().timeIntervalSince1970)) }
    return .delivered
  }

  var keys: [String] { received.withLock { $0.map(\.key) } }
}

func eventually(_ condition: () -> Bool, within seconds: Double = 10) async -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(10))
  }
  return condition()
}

@Suite(.timeLimit(.minutes(1))) struct DispatcherTests {
  func fever(_ screening: Int64) -> Alert {
    Alert(
      kind: .fever, entrance: "north", raisedAt: Date().timeIntervalSince1970, summary: "fever",
      screeningID: screening)
  }

  @Test func everySinkGetsEveryAlertAndAFlakySinkGetsItsAfterRetries() async throws {
    let gate = RecordingSink(name: "gate", isLocal: true)
    let webhook = RecordingSink(name: "webhook", failures: 3)
    let store = try AlertStore(path: temporaryDatabase())
    let dispatcher = Dispatcher(
      store: store,
      settings: .init(
        routing: Routing(routes: [Route(sinks: ["webhook", "gate"])], localSinks: ["gate"]),
        retry: RetryPolicy(initialDelay: 0.01, maximumDelay: 0.05, jitter: 0)),
      sinks: [gate, webhook])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    for screening in 1...5 { try await dispatcher.raise(fever(Int64(screening))) }
    #expect(await eventually { webhook.keys.count == 5 && gate.keys.count == 5 })
    #expect(Set(webhook.keys) == Set((1...5).map { "alert-\($0)-webhook" }))
    // The sink has the message before the store records the outcome: wait for the record.
    func webhookAttempts() -> Int {
      ((try? store.alerts()) ?? []).flatMap(\.deliveries).filter { $0.sink == "webhook" && $0.status == "delivered" }
        .map(\.attempts).reduce(0, +)
    }
    #expect(await eventually { webhookAttempts() == 5 + 3 })
  }

  @Test func aHungSinkNeverDelaysTheGuardPost() async throws {
    let gate = RecordingSink(name: "gate", isLocal: true)
    let stuck = RecordingSink(name: "mqtt", hangs: true)
    let dispatcher = Dispatcher(
      store: try AlertStore(path: temporaryDatabase()),
      settings: .init(routing: Routing(routes: [Route(sinks: ["mqtt", "gate"])], localSinks: ["gate"])),
      sinks: [stuck, gate])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    for screening in 1...3 { try await dispatcher.raise(fever(Int64(screening))) }
    #expect(await eventually { gate.keys.count == 3 })
    #expect(stuck.keys.isEmpty)
  }

  @Test func whatIsStillPendingAtAStopIsDeliveredAfterARestart() async throws {
    let path = temporaryDatabase()
    let routing = Routing(routes: [Route(sinks: ["webhook"])])
    do {
      // The webhook is down for the whole first run.
      let down = RecordingSink(name: "webhook", failures: 1000)
      let first = Dispatcher(
        store: try AlertStore(path: path),
        settings: .init(routing: routing, retry: RetryPolicy(initialDelay: 0.01, maximumDelay: 0.02, jitter: 0)),
        sinks: [down])
      let running = Task { await first.run() }
      try await first.raise(fever(1))
      try await first.raise(fever(2))
      try await Task.sleep(for: .milliseconds(100))
      running.cancel()
      await running.value
    }
    let up = RecordingSink(name: "webhook")
    let second = Dispatcher(store: try AlertStore(path: path), settings: .init(routing: routing), sinks: [up])
    let running = Task { await second.run() }
    defer { running.cancel() }
    #expect(await eventually { up.keys.count == 2 })
  }

  @Test func aSinkThatRefusesForGoodEscalatesToTheFallback() async throws {
    let webhook = RecordingSink(name: "webhook", failures: 1, permanent: true)
    let duty = RecordingSink(name: "duty")
    let dispatcher = Dispatcher(
      store: try AlertStore(path: temporaryDatabase()),
      settings: .init(
        routing: Routing(routes: [Route(sinks: ["webhook"], escalateTo: ["duty"], escalateAfter: 120)]),
        maintenanceInterval: 0.02),
      sinks: [webhook, duty])
    try await dispatcher.raise(fever(1))
    let loop = Task { await dispatcher.run() }
    defer { loop.cancel() }
    #expect(await eventually { duty.keys == ["alert-1-duty"] })
    #expect(webhook.keys.isEmpty)
  }

  @Test func aReadOnlyStoreIsReportedThroughTheLocalSinksAndNotSwallowed() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ro-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let path = directory.appendingPathComponent("alerts.sqlite").path
    let store = try AlertStore(path: path)
    let gate = RecordingSink(name: "gate", isLocal: true)
    let webhook = RecordingSink(name: "webhook")
    let dispatcher = Dispatcher(
      store: store, settings: .init(routing: Routing(routes: [Route(sinks: ["gate", "webhook"])])),
      sinks: [gate, webhook])
    // Make the database refuse writes: SQLite's own switch, as a full or read-only disk would.
    try await store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
    await #expect(throws: StoreError.self) { try await dispatcher.raise(fever(1)) }
    // The fever itself (unrecorded) and the one-time storage notice; nothing for the webhook,
    // which needs the store.
    #expect(gate.received.withLock { $0.count } == 2)
    #expect(webhook.keys.isEmpty)
    let degraded = await dispatcher.storageDegraded
    #expect(degraded != nil)
    try await store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = OFF") }
    try await dispatcher.raise(fever(2))
    let recovered = await dispatcher.storageDegraded
    #expect(recovered == nil)
  }
}

/// A full database (SQLite's own SQLITE_FULL, by capping the page count): the alert is not
/// accepted, the guard post hears about it at once, nothing crashes, and writing resumes when
/// space returns.
@Suite(.timeLimit(.minutes(1))) struct FullDatabaseTests {
  @Test func aFullDatabaseIsReportedLocallyAndRecovers() async throws {
    let store = try AlertStore(path: temporaryDatabase())
    let gate = RecordingSink(name: "gate", isLocal: true)
    let dispatcher = Dispatcher(
      store: store, settings: .init(routing: Routing(routes: [Route(sinks: ["gate"])])), sinks: [gate])
    try await store.database.writeWithoutTransaction { db in
      let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
      try db.execute(sql: "PRAGMA max_page_count = \(pages)")
    }
    var raised = 0
    var failure: StoreError?
    // Fill the last pages until SQLite refuses.
    while failure == nil && raised < 10_000 {
      raised += 1
      do {
        try await dispatcher.raise(
          Alert(
            kind: .elevated, entrance: "north", raisedAt: Double(raised), summary: String(repeating: "x", count: 500),
            screeningID: Int64(raised)))
      } catch {
        failure = error
      }
    }
    let error = try #require(failure)
    #expect(error.isStorageUnavailable)
    #expect(error.description.contains("store a elevated alert for north"))
    #expect(gate.received.withLock { $0.map(\.key) }.contains("alert-0-gate"))
    try await store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1000000") }
    let after = try await dispatcher.raise(
      Alert(kind: .fever, entrance: "north", raisedAt: 99_999, summary: "after", screeningID: 99_999))
    guard case .accepted = after else {
      Issue.record("not accepted after space returned: \(after)")
      return
    }
    let degraded = await dispatcher.storageDegraded
    #expect(degraded == nil)
  }
}

@Suite(.timeLimit(.minutes(1))) struct RetentionTests {
  @Test func theDispatcherPurgesScreeningsOlderThanTheRetentionPeriodByItself() async throws {
    let store = try AlertStore(path: temporaryDatabase())
    let now = Date().timeIntervalSince1970
    let day = 86_400.0
    try store.register(
      [40, 31, 29, 1].map { age in
        var entry = RegisterEntry(
          decision: sampleDecision(at: now - age * day), entrance: "north", device: nil,
          policy: .omitted)
        entry.reason = "age \(Int(age))"
        return entry
      })
    let dispatcher = Dispatcher(
      store: store, settings: .init(routing: Routing(routes: []), maintenanceInterval: 0.02, retention: 30 * day),
      sinks: [])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    #expect(await eventually { ((try? store.screenings()) ?? []).map(\.reason) == ["age 29", "age 1"] })
  }
}
