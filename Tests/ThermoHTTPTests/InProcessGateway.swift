import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import ThermoConfiguration
import ThermoDevices
import ThermoDispatch
import ThermoSimulation
import ThermoStore

@testable import ThermoDaemon
@testable import ThermoHTTP

/// A gateway's HTTP side in process, against the real router, a fresh store and the relays on
/// simulated boards: two `access` entrances, north and south.
struct InProcessGateway {
  static let token = "api-token-0123456789"
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

  func application(personIDs: PersonIDPolicy = .plain) async throws -> some ApplicationProtocol {
    let store = try Self.freshStore()
    let dispatcher = Dispatcher(store: store, settings: Dispatcher.Settings(routing: Routing(routes: [])), sinks: [])
    return await application(store: store, dispatcher: dispatcher, gate: gate(), personIDs: personIDs)
  }

  static func freshStore() throws -> AlertStore {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("thermogate-\(UUID().uuidString).sqlite")
    return try AlertStore(path: path.path)
  }

  /// The relays of both entrances, on the simulated boards.
  func gate() async -> GateRelays {
    let gate = GateRelays(gates: [:], relays: boards, status: nil)
    await gate.configure(
      gates: ["north": north, "south": south], relays: boards, status: status, maximumHold: 30,
      releaseEntrances: ["north", "south"])
    return gate
  }

  /// The router over a store, dispatcher and clock the test also drives an entrance with.
  func application(
    store: AlertStore, dispatcher: Dispatcher, gate: GateRelays, personIDs: PersonIDPolicy = .plain,
    clock: GatewayClock = GatewayClock(), secondary: SecondarySettings = SecondarySettings()
  ) async -> some ApplicationProtocol {
    GatewayHTTP(
      site: "hq", status: status, store: store, dispatcher: dispatcher, gate: gate, token: Secret(Self.token),
      personIDs: personIDs, metrics: PrometheusCollectorRegistry(), clock: clock, secondary: secondary
    ).application(host: "127.0.0.1", port: 0) { _ in }
  }
}

/// An answer: its status code and its JSON.
struct Reply {
  var status: Int
  var json: Any?

  /// The `error` of a problem answer.
  var problem: String { (json as? [String: Any])?["error"] as? String ?? "" }
}

func post(_ client: some TestClientProtocol, _ path: String, _ body: String, token: String?) async throws -> Reply {
  var headers: HTTPFields = [.contentType: "application/json"]
  if let token { headers[.authorization] = "Bearer \(token)" }
  let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
  return Reply(
    status: Int(response.status.code),
    json: try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
}

func get(_ client: some TestClientProtocol, _ path: String, token: String? = nil) async throws -> Reply {
  var headers: HTTPFields = [:]
  if let token { headers[.authorization] = "Bearer \(token)" }
  let response = try await client.execute(uri: path, method: .get, headers: headers)
  return Reply(
    status: Int(response.status.code),
    json: try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
}
