import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing
import ThermoConfiguration
import ThermoDevices
import ThermoDispatch
import ThermoSimulation
import ThermoStore

@testable import ThermoDaemon
@testable import ThermoHTTP

/// The emergency release endpoints, in process against the real router,
/// store and relays (simulated boards).
@Suite struct EmergencyAPITests {
  let token = "api-token-0123456789"
  let boards = SimulatedRelays()
  let north: DeviceAddress
  let south: DeviceAddress
  let status = GatewayStatus(entrances: ["north", "south"])

  init() throws {
    north = try DeviceAddress(parsing: "sim:relay?channel=1")
    south = try DeviceAddress(parsing: "sim:relay?channel=2")
    for name in ["north", "south"] {
      status.update(name) {
        $0 = EntranceStatus(
          entrance: name, state: .ready, since: 0, device: "sim", thresholdC: 37.5, thresholdSource: "fixed")
      }
    }
  }

  func gateway() async throws -> GatewayHTTP {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("thermogate-\(UUID().uuidString).sqlite")
    let store = try AlertStore(path: path.path)
    let gate = GateRelays(gates: [:], relays: boards, status: nil)
    await gate.configure(
      gates: ["north": north, "south": south], relays: boards, status: status, maximumHold: 30,
      releaseEntrances: ["north", "south"])
    let dispatcher = Dispatcher(store: store, settings: Dispatcher.Settings(routing: Routing(routes: [])), sinks: [])
    return GatewayHTTP(
      site: "hq", status: status, store: store, dispatcher: dispatcher, gate: gate, token: Secret(token),
      metrics: PrometheusCollectorRegistry(), clock: GatewayClock())
  }

  func post(_ client: some TestClientProtocol, _ path: String, _ body: String, token: String?) async throws -> (
    status: Int, json: Any?
  ) {
    var headers: HTTPFields = [.contentType: "application/json"]
    if let token { headers[.authorization] = "Bearer \(token)" }
    let response = try await client.execute(
      uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    return (response.status.code, try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
  }

  func get(_ client: some TestClientProtocol, _ path: String, token: String? = nil) async throws -> (
    status: Int, json: Any?
  ) {
    var headers: HTTPFields = [:]
    if let token { headers[.authorization] = "Bearer \(token)" }
    let response = try await client.execute(uri: path, method: .get, headers: headers)
    return (response.status.code, try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
  }

  func error(_ reply: (status: Int, json: Any?)) -> String {
    (reply.json as? [String: Any])?["error"] as? String ?? ""
  }

  @Test func releasingEveryEntranceNeedsTheTokenShowsOnEveryEntranceAndClears() async throws {
    let app = try await gateway().application(host: "127.0.0.1", port: 0) { _ in }
    let token = token
    try await app.test(.router) { client in
      let release = #"{"by": "Guard Wu", "reason": "fire alarm"}"#
      #expect(try await post(client, "/api/emergency", release, token: nil).status == 401)
      #expect(try await post(client, "/api/emergency", release, token: "wrong-token-000000000").status == 401)
      let noReason = try await post(client, "/api/emergency", #"{"by": "Guard Wu"}"#, token: token)
      #expect(noReason.status == 400 && error(noReason).contains("'reason'"), "\(error(noReason))")
      let notJSON = try await post(client, "/api/emergency", "fire!", token: token)
      #expect(notJSON.status == 400)
      let unknown = try await post(
        client, "/api/emergency", #"{"entrance": "west", "by": "Wu", "reason": "drill"}"#, token: token)
      #expect(unknown.status == 404 && error(unknown).contains("north, south"))
      #expect(boards.channelState(north) != true, "nothing released by a refused request")

      let started = try await post(client, "/api/emergency", release, token: token)
      #expect(started.status == 201)
      #expect((started.json as? [String: Any])?["all_entrances"] as? Bool == true)
      let entrances = try await get(client, "/api/entrances").json as? [[String: Any]] ?? []
      #expect(entrances.count == 2)
      for entrance in entrances {
        let emergency = entrance["emergency"] as? [String: Any]
        #expect(emergency?["by"] as? String == "Guard Wu" && emergency?["reason"] as? String == "fire alarm")
      }
      #expect(boards.channelState(north) == true && boards.channelState(south) == true, "release inputs held on")
      let active = try await get(client, "/api/emergency").json as? [[String: Any]] ?? []
      #expect(active.count == 1)

      let clear = #"{"by": "Guard Wu"}"#
      #expect(try await post(client, "/api/emergency/clear", clear, token: nil).status == 401)
      let noName = try await post(client, "/api/emergency/clear", "{}", token: token)
      #expect(noName.status == 400 && error(noName).contains("'by'"))
      let cleared = try await post(client, "/api/emergency/clear", clear, token: token)
      #expect(cleared.status == 200 && (cleared.json as? [String: Any])?["cleared"] as? Int == 1)
      let after = try await get(client, "/api/entrances").json as? [[String: Any]] ?? []
      #expect(after.count == 2 && after.allSatisfy { $0["emergency"] == nil })
      #expect(boards.channelState(north) == false && boards.channelState(south) == false, "locked again")
      #expect((try await get(client, "/api/emergency").json as? [Any])?.isEmpty == true)
    }
  }

  @Test func oneEntranceIsReleasedAndClearedAlone() async throws {
    let app = try await gateway().application(host: "127.0.0.1", port: 0) { _ in }
    let token = token
    try await app.test(.router) { client in
      let started = try await post(
        client, "/api/emergency", #"{"entrance": "south", "by": "Guard Wu", "reason": "smoke"}"#, token: token)
      #expect(started.status == 201)
      #expect(status.status(of: "south")?.emergency?.reason == "smoke")
      #expect(status.status(of: "north")?.emergency == nil)
      #expect(boards.channelState(south) == true && boards.channelState(north) != true)
      let cleared = try await post(
        client, "/api/emergency/clear", #"{"entrance": "south", "by": "Guard Wu"}"#, token: token)
      #expect(cleared.status == 200)
      #expect(status.status(of: "south")?.emergency == nil)
      #expect(boards.channelState(south) == false)
    }
  }
}
