import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import ThermoDispatch
import ThermoStore

/// The duty-office dashboard and the secondary station's page: the pages and their assets (compiled into the binary, so an offline
/// gate box serves them), one JSON snapshot, and a Server-Sent Events stream that pushes the
/// snapshot every second and each new screening within a quarter of a second.
extension GatewayHTTP {
  func addDashboard(to router: Router<BasicRequestContext>) {
    router.get("/") { _, _ in asset(PackageResources.index_html, type: "text/html; charset=utf-8") }
    router.get("/index.html") { _, _ in asset(PackageResources.index_html, type: "text/html; charset=utf-8") }
    router.get("/dashboard.css") { _, _ in asset(PackageResources.dashboard_css, type: "text/css; charset=utf-8") }
    router.get("/dashboard.js") { _, _ in
      asset(PackageResources.dashboard_js, type: "text/javascript; charset=utf-8")
    }
    // The secondary station's page, phone-sized; its data comes from /api/secondary with the token.
    router.get("/secondary") { _, _ in asset(PackageResources.secondary_html, type: "text/html; charset=utf-8") }
    router.get("/secondary.css") { _, _ in asset(PackageResources.secondary_css, type: "text/css; charset=utf-8") }
    router.get("/secondary.js") { _, _ in
      asset(PackageResources.secondary_js, type: "text/javascript; charset=utf-8")
    }
    router.get("/common.js") { _, _ in asset(PackageResources.common_js, type: "text/javascript; charset=utf-8") }
    router.get("/favicon.svg") { _, _ in asset(PackageResources.favicon_svg, type: "image/svg+xml") }
    router.get("/favicon.ico") { _, _ in asset(PackageResources.favicon_svg, type: "image/svg+xml") }
    router.get("/api/dashboard") { _, _ in json(await dashboardSnapshot()) }
    router.get("/api/history") { request, _ in
      let after = max(0, request.uri.queryParameters.get("after").flatMap(Int.init) ?? 0)
      // A cursor from before a restart or reload (numbering starts again) means: start over.
      let restarted = after > status.history.lastSequence
      return json(history(after: restarted ? 0 : after, reset: after == 0 || restarted))
    }
    router.get("/api/events") { _, _ in events() }
  }

  private func asset(_ bytes: [UInt8], type: String) -> Response {
    var headers: HTTPFields = [
      .contentType: type, .cacheControl: "no-cache",
      .contentSecurityPolicy:
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; "
        + "frame-ancestors 'none'",
    ]
    if let name = HTTPFields.Element.Name("X-Content-Type-Options") { headers[name] = "nosniff" }
    return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// Everything the page shows except the charts' points: the entrances, the alerts (the
  /// newest 50 and every open one, newest first) and the gateway's own time.
  func dashboardSnapshot() async -> DashboardSnapshot {
    // Everything but the clock is shared by the open pages for half a second; the clock is the
    // moment each message leaves.
    var snapshot = await dashboardStreams.snapshot { await sharedSnapshot() }
    snapshot.time = WireJSON.rounded(clock.wallNow(), decimals: 3) ?? 0
    return snapshot
  }

  private func sharedSnapshot() async -> DashboardSnapshot {
    var snapshot = DashboardSnapshot(
      time: 0, site: site, speed: WireJSON.rounded(clock.speed, decimals: 2) ?? 1, tokenConfigured: token != nil,
      entrances: status.snapshot(), alerts: [])
    do {
      // Every open alert (up to a thousand: a site with more has a bigger problem than this
      // page), the 50 newest and the 20 acknowledged last (what the duty office just handled
      // stays in sight however busy the entrances are), newest first.
      let (open, recent, handled) = try await store.reading { store throws(StoreError) in
        (
          try store.alerts(openOnly: true, limit: 1000), try store.alerts(openOnly: false, limit: 50),
          try store.acknowledgedAlerts(limit: 20)
        )
      }
      var seen = Set<Int64>()
      let alerts = (open + recent + handled).filter { seen.insert($0.id).inserted }.sorted { $0.id > $1.id }
      snapshot.openAlerts = open.count
      snapshot.openAlertsCapped = open.count == 1000
      snapshot.alerts = alerts.map(AlertMessage.init(dashboard:))
    } catch {
      snapshot.alertsError = "reading alerts: \(error.description)"
    }
    return snapshot
  }

  /// The chart points after `sequence`; `reset` tells the page to replace what it holds.
  func history(after sequence: Int, reset: Bool) -> HistoryMessage {
    let (points, last) = status.history.points(after: sequence)
    return HistoryMessage(
      reset: reset, span: WireJSON.rounded(status.history.span, decimals: 2) ?? 0, last: last, points: points)
  }

  /// The live stream. It ends when the server shuts down (a SIGTERM, a reload), and the page
  /// reconnects by itself; `retry` tells the browser how soon to try. A client that stops
  /// reading cannot hold a shutdown for long: the service group's graceful shutdown has a limit
  /// (`GatewayDaemon`), after which its write is cancelled.
  private func events() -> Response {
    let streams = dashboardStreams
    // The slot is held by the ticket the body owns: given back when the body is done with, even
    // when the client went away before the body ever ran.
    guard let ticket = streams.enter() else {
      return problem(
        "too many live dashboard streams open (\(streams.limit)); close a page or use GET /api/dashboard",
        status: .serviceUnavailable)
    }
    let body = ResponseBody { writer in
      // The closure holds the ticket for as long as the response holds the closure.
      defer { withExtendedLifetime(ticket) {} }
      do {
        var cursor = 0
        var lastSnapshot = ContinuousClock.now - .seconds(10)
        try await writer.write(ByteBuffer(string: "retry: 1500\n\n"))
        var first = true
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
          var message = ""
          // The snapshot (alerts from the store) once a second, and first, so the page has the
          // gateway's clock before it trims the chart points to the last hour.
          if ContinuousClock.now - lastSnapshot >= .seconds(1) {
            lastSnapshot = ContinuousClock.now
            message += "event: snapshot\ndata: \(WireJSON.string(await dashboardSnapshot()))\n\n"
          }
          // Chart points as they come.
          let points = history(after: cursor, reset: first)
          if first || points.last != cursor { message += "event: points\ndata: \(WireJSON.string(points))\n\n" }
          cursor = points.last
          first = false
          if !message.isEmpty { try await writer.write(ByteBuffer(string: message)) }
          try? await Task.sleep(for: .milliseconds(250))
        }
      }
      try await writer.finish(nil)
    }
    var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
    // A reverse proxy in front must not buffer the stream.
    if let name = HTTPFields.Element.Name("X-Accel-Buffering") { headers[name] = "no" }
    return Response(status: .ok, headers: headers, body: body)
  }
}
