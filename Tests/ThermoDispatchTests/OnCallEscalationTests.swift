import Foundation
import Synchronization
import Testing

@testable import ThermoDispatch
@testable import ThermoStore

/// A wall clock the test sets.
final class ManualWallClock: Sendable {
  private let time: Mutex<Double>

  init(_ start: Double) {
    time = Mutex(start)
  }

  var now: Double { time.withLock { $0 } }
  func set(_ value: Double) { time.withLock { $0 = value } }
  var read: @Sendable () -> Double { { [self] in now } }
}

/// The on-call chain through the dispatcher: primary, backup, duty office, each after the
/// acknowledgement deadline, durable across a restart.
@Suite(.timeLimit(.minutes(1))) struct OnCallEscalationTests {
  static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
  /// Wednesday 2 December 2026, 10:00 in Shanghai.
  static let start = 1_796_176_800.0

  /// Wang is on call around the clock on weekdays, Li is only his backup.
  static func plan(
    wang: [String] = ["wang-mail"], dutyOffice: [String] = ["duty"], weekdays: Set<Weekday> = Set(Weekday.allCases)
  ) -> OnCallPlan {
    OnCallPlan(
      roster: OnCallRoster(entries: [
        OnCallRoster.Entry(name: "wang", channels: wang, weekdays: weekdays, backup: "li"),
        OnCallRoster.Entry(name: "li", channels: ["li-mail"]),
      ]), dutyOffice: dutyOffice, acknowledgementDeadline: 120, timeZone: zone)
  }

  static func settings(_ plan: OnCallPlan) -> Dispatcher.Settings {
    Dispatcher.Settings(
      routing: Routing(routes: [Route(kinds: [.fever], sinks: ["gate", Routing.onCallSink])], localSinks: ["gate"]),
      retry: RetryPolicy(initialDelay: 0.01, maximumDelay: 0.02, jitter: 0), repeatKinds: [],
      maintenanceInterval: 0.02, onCall: plan)
  }

  /// The sinks whose deliveries are recorded as delivered.
  static func delivered(in store: AlertStore) -> Set<String> {
    let alerts = (try? store.alerts()) ?? []
    return Set(alerts.flatMap(\.deliveries).filter { $0.status == "delivered" }.map(\.sink))
  }

  func fever(_ screening: Int64) -> Alert {
    Alert(kind: .fever, entrance: "north", raisedAt: Self.start, summary: "fever", screeningID: screening)
  }

  struct Sinks {
    let gate = RecordingSink(name: "gate", isLocal: true)
    let wang: RecordingSink
    let li = RecordingSink(name: "li-mail")
    let duty = RecordingSink(name: "duty")

    init(wangFailsForGood: Bool = false) {
      wang = RecordingSink(name: "wang-mail", failures: wangFailsForGood ? 1 : 0, permanent: wangFailsForGood)
    }

    var all: [any AlertSink] { [gate, wang, li, duty] }
  }

  /// A dispatcher running on a fresh store, its clock at `start`.
  struct Running {
    let clock = ManualWallClock(OnCallEscalationTests.start)
    let sinks: Sinks
    let store: AlertStore
    let dispatcher: Dispatcher
    let task: Task<Void, Never>

    init(_ plan: OnCallPlan = OnCallEscalationTests.plan(), sinks: Sinks = Sinks()) throws {
      self.sinks = sinks
      store = try AlertStore(path: temporaryDatabase())
      let dispatcher = Dispatcher(
        store: store, settings: OnCallEscalationTests.settings(plan), sinks: sinks.all, now: clock.read)
      self.dispatcher = dispatcher
      task = Task { await dispatcher.run() }
    }
  }

  @Test func anUnacknowledgedFeverCallsTheDoctorThenTheBackupThenTheDutyOffice() async throws {
    let running = try Running()
    let (clock, sinks, store, dispatcher) = (running.clock, running.sinks, running.store, running.dispatcher)
    defer { running.task.cancel() }
    try await dispatcher.raise(fever(1))
    #expect(await eventually { sinks.wang.keys == ["alert-1-wang-mail"] && sinks.gate.keys == ["alert-1-gate"] })
    #expect(try store.onCallCall(alertID: 1)?.onCall == "wang")
    // One second before the deadline nobody else is called.
    #expect(try store.advanceOnCall(now: Self.start + 119).isEmpty)
    clock.set(Self.start + 120)
    #expect(await eventually { sinks.li.keys == ["alert-1-li-mail"] })
    #expect(sinks.duty.keys.isEmpty)
    clock.set(Self.start + 240)
    #expect(await eventually { sinks.duty.keys == ["alert-1-duty"] })
    let call = try #require(try store.onCallCall(alertID: 1))
    #expect(call.stages.map(\.stage.name) == ["wang", "li", nil])
    #expect(call.stages.map(\.calledAt) == [Self.start, Self.start + 120, Self.start + 240])
    #expect(call.nextStageAt == nil)
    // The alert's record (the API's, the dashboard's) says who was on call.
    let record = AlertMessage(record: try #require(try store.alert(id: 1)))
    #expect(String(decoding: WireJSON.data(record), as: UTF8.self).contains(#""on_call":"wang""#))
    #expect(try store.alerts().first?.onCall == "wang")
    // Nobody called twice.
    #expect(sinks.wang.keys.count == 1 && sinks.li.keys.count == 1)
  }

  @Test func anAcknowledgementStopsTheChain() async throws {
    let running = try Running()
    let (clock, sinks, store, dispatcher) = (running.clock, running.sinks, running.store, running.dispatcher)
    defer { running.task.cancel() }
    try await dispatcher.raise(fever(1))
    #expect(await eventually { sinks.wang.keys.count == 1 })
    clock.set(Self.start + 60)
    #expect(try await dispatcher.acknowledge(id: 1, by: "wang"))
    #expect(try store.advanceOnCall(now: Self.start + 10_000).isEmpty)
    let call = try #require(try store.onCallCall(alertID: 1))
    #expect(call.current == 0)
    #expect(call.nextStageAt == nil)
    #expect(call.stages.map(\.calledAt) == [Self.start, nil, nil])
  }

  @Test func aRestartedDispatcherGoesOnWithTheChainWhereItWas() async throws {
    let path = temporaryDatabase()
    let clock = ManualWallClock(Self.start)
    do {
      let sinks = Sinks()
      let firstStore = try AlertStore(path: path)
      let first = Dispatcher(
        store: firstStore, settings: Self.settings(Self.plan()), sinks: sinks.all, now: clock.read)
      let running = Task { await first.run() }
      try await first.raise(fever(1))
      clock.set(Self.start + 130)
      // Both deliveries made and recorded before the stop, so none is owed after it.
      #expect(await eventually { Self.delivered(in: firstStore) == ["gate", "li-mail", "wang-mail"] })
      running.cancel()
      await running.value
    }
    // A new process on the same file, a roster that has since changed (nobody on call now): the
    // alert goes on with the chain it was raised with.
    let sinks = Sinks()
    let store = try AlertStore(path: path)
    let second = Dispatcher(
      store: store, settings: Self.settings(Self.plan(weekdays: [])), sinks: sinks.all, now: clock.read)
    let running = Task { await second.run() }
    defer { running.cancel() }
    #expect(try store.advanceOnCall(now: Self.start + 130 + 119).isEmpty)
    clock.set(Self.start + 250)
    #expect(await eventually { sinks.duty.keys == ["alert-1-duty"] })
    #expect(sinks.wang.keys.isEmpty && sinks.li.keys.isEmpty)
    #expect(try store.onCallCall(alertID: 1)?.onCall == "wang")
  }

  @Test func inAGapTheFeverGoesStraightToTheDutyOffice() async throws {
    let running = try Running(Self.plan(weekdays: []))
    let (sinks, store, dispatcher) = (running.sinks, running.store, running.dispatcher)
    defer { running.task.cancel() }
    try await dispatcher.raise(fever(1))
    #expect(await eventually { sinks.duty.keys == ["alert-1-duty"] })
    let call = try #require(try store.onCallCall(alertID: 1))
    #expect(call.onCall == nil)
    #expect(call.stages.map(\.stage.role) == [.dutyOffice])
    #expect(try store.advanceOnCall(now: Self.start + 10_000).isEmpty)
  }

  @Test func aDoctorWhoseChannelsAllRefuseForGoodIsPassedOverAtOnce() async throws {
    let running = try Running(sinks: Sinks(wangFailsForGood: true))
    let (sinks, dispatcher) = (running.sinks, running.dispatcher)
    defer { running.task.cancel() }
    try await dispatcher.raise(fever(1))
    // The clock stands still: the backup is called because the doctor cannot be reached.
    #expect(await eventually { sinks.li.keys == ["alert-1-li-mail"] })
    #expect(sinks.wang.keys.isEmpty)
    #expect(sinks.duty.keys.isEmpty)
  }

  @Test func aSinkInTwoStagesGetsOneDeliveryPerStageUnderItsOwnKey() async throws {
    // The duty office reads the same mailbox the doctor does; the guard post is a channel too.
    let running = try Running(Self.plan(wang: ["gate", "duty"], dutyOffice: ["duty"]))
    let (clock, sinks, dispatcher) = (running.clock, running.sinks, running.dispatcher)
    defer { running.task.cancel() }
    try await dispatcher.raise(fever(1))
    #expect(await eventually { sinks.duty.keys == ["alert-1-duty"] })
    // Routed to the gate and on the doctor's channels: one delivery, not two.
    #expect(sinks.gate.keys == ["alert-1-gate"])
    clock.set(Self.start + 120)
    #expect(await eventually { sinks.li.keys == ["alert-1-li-mail"] })
    clock.set(Self.start + 240)
    #expect(await eventually { sinks.duty.keys == ["alert-1-duty", "alert-1-duty-1"] })
  }

  @Test func aRouteWithoutOnCallCallsNobodyOnCall() async throws {
    let store = try AlertStore(path: temporaryDatabase())
    var settings = Self.settings(Self.plan())
    settings.routing = Routing(routes: [Route(kinds: [.fever], sinks: ["gate"])])
    let dispatcher = Dispatcher(store: store, settings: settings, sinks: Sinks().all, now: { Self.start })
    let acceptance = try await dispatcher.raise(fever(1))
    #expect(acceptance == .accepted(id: 1, sinks: ["gate"]))
    #expect(try store.onCallCall(alertID: 1) == nil)
  }
}
