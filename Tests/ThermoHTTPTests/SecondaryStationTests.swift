import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import ThermoConfiguration
import ThermoCore
import ThermoDispatch
import ThermoStore

@testable import ThermoDaemon

/// The doctor's channel in these tests: what reached it.
final class DoctorChannel: AlertSink {
  let name = "doctor"
  let isLocal = false
  let jobs = Mutex<[DeliveryJob]>([])

  func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    jobs.withLock { $0.append(job) }
    return .delivered
  }

  var received: [DeliveryJob] { jobs.withLock { $0 } }
}

/// The secondary station end to end: a real entrance monitor on a real store and dispatcher,
/// the API a nurse uses, and time moved by hand. Denied for elevated → listed → a clinical
/// reading clears them (one pass at their entrance) or confirms a fever (the doctor's channel).
@Suite struct SecondaryStationTests {
  let gateway: InProcessGateway
  let token = InProcessGateway.token
  let time = ManualTime(wall: 1000)
  let clock: GatewayClock
  let store: AlertStore
  let doctor = DoctorChannel()
  let dispatcher: Dispatcher

  init() throws {
    gateway = try InProcessGateway()
    clock = GatewayClock(source: time)
    store = try InProcessGateway.freshStore()
    try store.importDirectory(
      [StaffMember(workID: "E1"), StaffMember(workID: "E2")], source: "test", by: "test", at: 0)
    dispatcher = Dispatcher(
      store: store,
      settings: Dispatcher.Settings(routing: Routing(routes: [Route(kinds: [.fever], sinks: ["doctor"])])),
      sinks: [doctor], now: { [time] in time.wall() })
  }

  func monitor(gate: GateRelays) -> EntranceMonitor {
    let outlet = GatewayOutlet(store: store, dispatcher: dispatcher, personIDs: .plain, gate: gate)
    return EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: outlet,
      status: gateway.status, personIDs: .plain, access: AccessSettings(mode: .access), clock: clock)
  }

  /// A person steps up for `seconds`: samples at 10 Hz, warm skin in the middle.
  func screen(_ monitor: inout EntranceMonitor, badge: String, skinC: Double) async {
    time.advance(by: 1)
    await monitor.handle(.badge(badge, at: clock.monotonicNow()))
    let start = clock.monotonicNow()
    for index in 0..<60 {
      let present = index >= 5 && index < 40
      await monitor.handle(
        .sample(Sample(time: start + Double(index) * 0.1, objectC: present ? skinC : 21.5, ambientC: 22)))
    }
    time.advance(by: 6)
    await monitor.handle(.tick(clock.monotonicNow()))
  }

  /// Time passes at the entrance (the monitor reads the station's results once a second).
  func wait(_ monitor: inout EntranceMonitor, seconds: Double) async {
    for _ in 0..<Int(seconds) {
      time.advance(by: 1)
      await monitor.handle(.tick(clock.monotonicNow()))
    }
  }

  func cases(_ client: some TestClientProtocol, status: String = "waiting") async throws -> [[String: Any]] {
    try await get(client, "/api/secondary?status=\(status)", token: token).json as? [[String: Any]] ?? []
  }

  @Test func aClearedPersonIsListedSettledAndLetThroughOnceOnTheirPass() async throws {
    let gate = await gateway.gate()
    var monitor = monitor(gate: gate)
    let app = await gateway.application(store: store, dispatcher: dispatcher, gate: gate, clock: clock)
    let token = token
    await monitor.handle(.opened(device: "sim:mlx90614", at: clock.monotonicNow()))
    await wait(&monitor, seconds: 3)
    await screen(&monitor, badge: "E1", skinC: 37.2)
    let denied = try store.passages().last
    #expect(denied?.outcome == "denied" && denied?.reason == "elevated")

    try await app.test(.router) { client in
      #expect(try await get(client, "/api/secondary").status == 401, "health data needs the token")
      let waiting = try await cases(client)
      #expect(waiting.count == 1)
      let listed = try #require(waiting.first)
      #expect(listed["person"] as? String == "E1" && listed["entrance"] as? String == "north")
      #expect(listed["origin"] as? String == "elevated" && (listed["infrared_body_c"] as? Double ?? 0) > 37.2)
      let id = try #require(listed["id"] as? Int)

      // Bad input is refused, naming what is wrong, and nothing changes.
      let hot = try await post(
        client, "/api/secondary/\(id)/reading", #"{"method": "oral", "value_c": 60, "by": "Nurse Wu"}"#, token: token)
      #expect(hot.status == 400 && hot.problem.contains("60") && hot.problem.contains("not a body temperature"))
      let rectal = try await post(
        client, "/api/secondary/\(id)/reading", #"{"method": "rectal", "value_c": 37, "by": "Nurse Wu"}"#,
        token: token)
      #expect(rectal.status == 400 && rectal.problem.contains("'rectal'") && rectal.problem.contains("oral"))
      let nobody = try await post(
        client, "/api/secondary/\(id)/reading", #"{"method": "oral", "value_c": 36.8}"#, token: token)
      #expect(nobody.status == 400 && nobody.problem.contains("'by'"))
      let unknown = try await post(
        client, "/api/secondary/999/reading", #"{"method": "oral", "value_c": 36.8, "by": "Nurse Wu"}"#, token: token)
      #expect(unknown.status == 404)
      #expect(try await cases(client).count == 1, "still waiting after the refusals")

      let cleared = try await post(
        client, "/api/secondary/\(id)/reading",
        #"{"method": "oral", "value_c": 36.8, "by": "Nurse Wu", "device": "Omron MC-246"}"#, token: token)
      #expect(cleared.status == 200)
      let settled = cleared.json as? [String: Any] ?? [:]
      #expect(settled["status"] as? String == "cleared" && settled["settled_how"] as? String == "clinical")
      #expect(settled["pass_until"] is String)
      let again = try await post(
        client, "/api/secondary/\(id)/reading", #"{"method": "oral", "value_c": 38.5, "by": "Nurse Wu"}"#,
        token: token)
      #expect(again.status == 409 && again.problem.contains("already settled"))
      #expect(try await cases(client).isEmpty)
    }

    // Back at the entrance: the same warm forehead now lets them in, once.
    await wait(&monitor, seconds: 2)
    await screen(&monitor, badge: "E1", skinC: 37.2)
    let granted = try store.passages().last
    #expect(granted?.outcome == "granted" && granted?.reason == "normal")
    let screening = try store.screenings().last
    #expect(screening?.reason == "cleared_at_secondary")
    #expect(try store.secondaryCases(statuses: [.cleared]).first?.passUsedAt != nil)
    await wait(&monitor, seconds: 2)
    await screen(&monitor, badge: "E1", skinC: 37.2)
    #expect(try store.passages().last?.reason == "elevated", "the pass is used up")
    #expect(doctor.received.isEmpty, "nobody was confirmed")
  }

  @Test func aConfirmedFeverReachesTheDoctorAndTheDispositionAcknowledgesIt() async throws {
    let gate = await gateway.gate()
    var monitor = monitor(gate: gate)
    let app = await gateway.application(store: store, dispatcher: dispatcher, gate: gate, clock: clock)
    let token = token
    let delivering = Task { await dispatcher.run() }
    defer { delivering.cancel() }
    await monitor.handle(.opened(device: "sim:mlx90614", at: clock.monotonicNow()))
    await wait(&monitor, seconds: 3)
    await screen(&monitor, badge: "E2", skinC: 37.2)

    // The thermometer is being cleaned: its alerts are silenced, the station's fever is not.
    _ = try store.addSilence(
      Silence(entrance: "north", reason: "lens cleaning", createdBy: "tech", startsAt: 0, endsAt: 1e12))
    try await app.test(.router) { client in
      let id = try #require(try await cases(client).first?["id"] as? Int)
      let fever = try await post(
        client, "/api/secondary/\(id)/reading", #"{"method": "axillary", "value_c": 37.6, "by": "Nurse Wu"}"#,
        token: token)
      #expect(fever.status == 200 && (fever.json as? [String: Any])?["status"] as? String == "fever")
      let early = try await post(
        client, "/api/secondary/\(id)/disposition", #"{"disposition": "on_holiday", "by": "Dr Li"}"#, token: token)
      #expect(early.status == 400 && early.problem.contains("sent_home"))
    }

    await wait(&monitor, seconds: 2)
    let alert = try #require(try store.alerts().first { $0.kind == .fever })
    #expect(alert.summary.contains("axillary 37.6 °C") && alert.summary.contains("secondary station"))
    for _ in 0..<200 where doctor.received.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
    #expect(doctor.received.map(\.alertID) == [alert.id])
    // The next reading of the entrance does not confirm it a second time.
    await wait(&monitor, seconds: 5)
    #expect(try store.alerts().filter { $0.kind == .fever }.count == 1)

    try await app.test(.router) { client in
      let id = try #require(try await cases(client, status: "fever").first?["id"] as? Int)
      let disposed = try await post(
        client, "/api/secondary/\(id)/disposition",
        #"{"disposition": "sent_home", "notes": "rest 3 days", "by": "Dr Li"}"#, token: token)
      #expect(disposed.status == 200)
      let body = disposed.json as? [String: Any] ?? [:]
      #expect(body["disposition"] as? String == "sent_home" && body["fever_alert_id"] as? Int == Int(alert.id))
      let twice = try await post(
        client, "/api/secondary/\(id)/disposition", #"{"disposition": "isolated", "by": "Dr Li"}"#, token: token)
      #expect(twice.status == 409 && twice.problem.contains("already has the disposition sent_home"))
    }
    #expect(try store.alert(id: alert.id)?.acknowledgedBy == "Dr Li")
  }

  @Test func aFeverRecordedWhileTheGatewayWasDownIsAlertedOnceAfterItStarts() async throws {
    let gate = await gateway.gate()
    var before = monitor(gate: gate)
    await before.handle(.opened(device: "sim:mlx90614", at: clock.monotonicNow()))
    await wait(&before, seconds: 3)
    await screen(&before, badge: "E2", skinC: 37.2)
    // The gateway is down; the nurse records on the command line (the same store).
    let id = try #require(try store.secondaryCases().first?.id)
    _ = try store.recordClinicalReading(
      caseID: id, method: .oral, valueC: 38.1, by: "Nurse Wu", device: nil, at: time.wall(),
      thresholds: .default, passValidity: 1800)
    #expect(try store.alerts().filter { $0.kind == .fever }.isEmpty)
    for _ in 0..<2 {
      var started = monitor(gate: gate)
      await started.handle(.opened(device: "sim:mlx90614", at: clock.monotonicNow()))
      await wait(&started, seconds: 2)
    }
    let fevers = try store.alerts().filter { $0.kind == .fever }
    #expect(fevers.count == 1 && fevers.first?.summary.contains("oral 38.1 °C") == true)
    #expect(try store.secondaryCase(id: id)?.feverAlertID == fevers.first?.id)
  }

  @Test func aGuardSendsSomeoneWithoutAScreening() async throws {
    let gate = await gateway.gate()
    let app = await gateway.application(store: store, dispatcher: dispatcher, gate: gate, clock: clock)
    let token = token
    try await app.test(.router) { client in
      let nowhere = try await post(
        client, "/api/secondary", #"{"entrance": "west", "by": "Guard Zhao"}"#, token: token)
      #expect(nowhere.status == 400 && nowhere.problem.contains("'west'"))
      let sent = try await post(
        client, "/api/secondary", #"{"entrance": "south", "person": "E2", "note": "coughing", "by": "Guard Zhao"}"#,
        token: token)
      #expect(sent.status == 201)
      let listed = try await cases(client)
      #expect(listed.count == 1 && listed.first?["origin"] as? String == "guard")
      #expect(listed.first?["note"] as? String == "Guard Zhao: coughing")
    }
  }
}
