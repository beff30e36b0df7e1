import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ThermoConfiguration
import ThermoDaemon
import ThermoDispatch
import ThermoStore

/// The daemon's HTTP side: health, Prometheus metrics and the JSON API. Read endpoints are open
/// on the (loopback by default) listener; endpoints that change state need the bearer token.
public struct GatewayHTTP: Sendable {
  let site: String
  let status: GatewayStatus
  let store: AlertStore
  let dispatcher: Dispatcher
  let gate: GateRelays
  let token: Secret?
  /// How visitor pass codes and names are kept (the gateway's `person_ids`).
  let personIDs: PersonIDPolicy
  let metrics: PrometheusCollectorRegistry
  let clock: GatewayClock
  /// The secondary station's thresholds and pass validity.
  let secondary: SecondarySettings
  /// Live dashboard streams share one snapshot per half second and are capped in number.
  let dashboardStreams = DashboardStreams()

  public init(
    site: String, status: GatewayStatus, store: AlertStore, dispatcher: Dispatcher, gate: GateRelays, token: Secret?,
    personIDs: PersonIDPolicy, metrics: PrometheusCollectorRegistry, clock: GatewayClock,
    secondary: SecondarySettings = SecondarySettings()
  ) {
    self.secondary = secondary
    self.site = site
    self.status = status
    self.store = store
    self.dispatcher = dispatcher
    self.gate = gate
    self.token = token
    self.personIDs = personIDs
    self.metrics = metrics
    self.clock = clock
  }

  /// The application, as a service for the daemon's service group. `onListening` gets the bound
  /// port (port 0 in the configuration picks a free one).
  public func application(host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void)
    -> some ApplicationProtocol
  {
    let router = Router()
    router.get("/health") { _, _ in health() }
    router.get("/metrics") { _, _ in await prometheusText() }
    router.get("/api/status") { _, _ in json(await statusMessage()) }
    router.get("/api/entrances") { _, _ in json(status.snapshot()) }
    router.get("/api/alerts") { request, _ in await alerts(request) }
    router.post("/api/alerts/{id}/ack") { request, context in
      await acknowledge(request, id: context.parameters.get("id"))
    }
    addEmergency(to: router)
    addOnCall(to: router)
    addVisitors(to: router)
    addSecondary(to: router)
    addDashboard(to: router)
    return Application(
      router: router,
      configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "thermogate"),
      onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
      logger: Logger(label: "thermogate.http"))
  }

  /// Every JSON answer: one wire type, written by the shared encoder.
  func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
    var text = WireJSON.data(value)
    text.append(UInt8(ascii: "\n"))
    return Response(
      status: status, headers: [.contentType: "application/json"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
  }

  func problem(_ message: String, status: HTTPResponse.Status) -> Response {
    json(ProblemMessage(error: message), status: status)
  }

  private func health() -> Response {
    let entrances = status.snapshot()
    return json(
      HealthMessage(
        site: site,
        entrances: Dictionary(entrances.map { ($0.entrance, $0.state) }, uniquingKeysWith: { _, last in last })))
  }

  private func statusMessage() async -> StatusMessage {
    let depth = try? await store.reading { store throws(StoreError) in try store.queueDepth() }
    return StatusMessage(
      site: site, time: .text(clock.wallNow()), pendingDeliveries: depth?.pending, entrances: status.snapshot())
  }

  private func alerts(_ request: Request) async -> Response {
    let openOnly = request.uri.queryParameters.get("open") == "true"
    let limit = min(max(request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100, 1), 1000)
    do {
      let alerts = try await store.reading { store throws(StoreError) in
        try store.alerts(openOnly: openOnly, limit: limit)
      }
      return json(alerts.map(AlertMessage.init(record:)))
    } catch {
      return problem("reading alerts: \(error.description)", status: .internalServerError)
    }
  }

  private func acknowledge(_ request: Request, id: String?) async -> Response {
    if let refusal = authorize(request) { return refusal }
    guard let id = id.flatMap(Int64.init) else { return problem("alert id must be a number", status: .badRequest) }
    var request = request
    let body = (try? await request.collectBody(upTo: 16 * 1024)).map { String(buffer: $0) } ?? ""
    let fields = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    guard let person = (fields?["by"] as? String)?.trimmingCharacters(in: .whitespaces), !person.isEmpty else {
      return problem("send {\"by\": \"NAME\"}: who acknowledges the alert", status: .badRequest)
    }
    do {
      guard try await dispatcher.acknowledge(id: id, by: person) else {
        return problem("no open alert \(id)", status: .notFound)
      }
      if let alert = try await store.reading({ store throws(StoreError) in try store.alert(id: id) }),
        alert.kind.concernsAPerson
      {
        try? await gate.release(entrance: alert.entrance, alertID: id)
      }
      return json(AcknowledgementMessage(id: id, acknowledgedBy: person))
    } catch {
      return problem("acknowledging: \(error)", status: .internalServerError)
    }
  }

  /// Nil when the request carries the configured token; compared in constant time.
  func authorize(_ request: Request) -> Response? {
    guard let token else {
      return problem(
        "this gateway has no API token configured (http.token_env or THERMOGATE_API_TOKEN); state changes are refused",
        status: .forbidden)
    }
    let header = request.headers[.authorization] ?? ""
    let prefix = "Bearer "
    guard header.hasPrefix(prefix) else {
      return problem("missing 'Authorization: Bearer TOKEN'", status: .unauthorized)
    }
    let offered = Array(header.dropFirst(prefix.count).utf8)
    let expected = token.bytes
    var difference = offered.count ^ expected.count
    for index in 0..<max(offered.count, expected.count) {
      let left = index < offered.count ? offered[index] : 0
      let right = index < expected.count ? expected[index] : 0
      difference |= Int(left ^ right)
    }
    return difference == 0 ? nil : problem("wrong API token", status: .unauthorized)
  }

  private func prometheusText() async -> Response {
    if let depth = try? await store.reading({ store throws(StoreError) in try store.queueDepth() }) {
      Gauge(label: "thermogate_alert_queue_depth").record(depth.pending)
      Gauge(label: "thermogate_alert_oldest_pending_age_seconds").record(
        depth.oldestDueAt.map { max(0, clock.wallNow() - $0) } ?? 0)
    }
    var buffer: [UInt8] = []
    metrics.emit(into: &buffer)
    return Response(
      status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
  }
}
