import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing
import ThermoConfiguration
import ThermoDispatch
import ThermoSimulation
import ThermoStore

@testable import ThermoDaemon
@testable import ThermoHTTP

/// `GET /api/on-call` in process, at a set wall time.
@Suite struct OnCallAPITests {
  func application(onCall: OnCallPlan?, wall: Double) async throws -> some ApplicationProtocol {
    let store = try AlertStore(
      path: FileManager.default.temporaryDirectory.appendingPathComponent("oncall-\(UUID().uuidString).sqlite").path)
    let dispatcher = Dispatcher(
      store: store, settings: Dispatcher.Settings(routing: Routing(routes: []), onCall: onCall), sinks: [])
    return GatewayHTTP(
      site: "hq", status: GatewayStatus(entrances: []), store: store, dispatcher: dispatcher,
      gate: GateRelays(gates: [:], relays: SimulatedRelays(), status: nil), token: nil, personIDs: .plain,
      metrics: PrometheusCollectorRegistry(), clock: GatewayClock(source: ManualTime(wall: wall))
    ).application(host: "127.0.0.1", port: 0) { _ in }
  }

  static let plan = OnCallPlan(
    roster: OnCallRoster(entries: [
      OnCallRoster.Entry(
        name: "wang", channels: ["wang-mail"], weekdays: [.monday, .tuesday, .wednesday, .thursday, .friday],
        from: LocalTime(minutes: 8 * 60), to: LocalTime(minutes: 20 * 60), backup: "li"),
      OnCallRoster.Entry(name: "li", channels: ["li-mail"]),
    ]), dutyOffice: ["duty"], timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .gmt)

  @Test func theDoctorOnCallTheChainAndTheNextChange() async throws {
    // Wednesday 2 December 2026, 10:00 in Shanghai.
    let app = try await application(onCall: Self.plan, wall: 1_796_176_800)
    try await app.test(.router) { client in
      let reply = try await get(client, "/api/on-call")
      #expect(reply.status == 200)
      let body = try #require(reply.json as? [String: Any])
      #expect(body["time_zone"] as? String == "Asia/Shanghai")
      let now = body["now"] as? [String: Any]
      #expect(now?["name"] as? String == "wang")
      #expect(now?["channels"] as? [String] == ["wang-mail"])
      let chain = body["chain"] as? [[String: Any]] ?? []
      #expect(chain.map { $0["role"] as? String } == ["primary", "backup", "duty_office"])
      #expect(chain.map { $0["channels"] as? [String] } == [["wang-mail"], ["li-mail"], ["duty"]])
      #expect(chain.last?["name"] is NSNull)
      #expect(body["next_change_at"] as? String == "2026-12-02T12:00:00.000Z")  // 20:00 in Shanghai
      #expect(body["next"] is NSNull)
    }
  }

  @Test func nobodyOnCallIsNullAndTheChainIsTheDutyOffice() async throws {
    // Saturday 5 December 2026, 10:00 in Shanghai.
    let app = try await application(onCall: Self.plan, wall: 1_796_176_800 + 3 * 86_400)
    try await app.test(.router) { client in
      let body = try #require(try await get(client, "/api/on-call").json as? [String: Any])
      #expect(body["now"] is NSNull)
      #expect((body["chain"] as? [[String: Any]])?.map { $0["role"] as? String } == ["duty_office"])
      #expect(body["next_change_at"] as? String == "2026-12-07T00:00:00.000Z")
      #expect((body["next"] as? [String: Any])?["name"] as? String == "wang")
    }
  }

  @Test func withoutARosterTheAnswerSaysSo() async throws {
    let app = try await application(onCall: nil, wall: 1_796_176_800)
    try await app.test(.router) { client in
      let reply = try await get(client, "/api/on-call")
      #expect(reply.status == 404)
      #expect(reply.problem.contains("no on-call roster"))
    }
  }
}
