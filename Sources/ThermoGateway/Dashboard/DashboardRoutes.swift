import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import ThermoDispatch

/// The duty-office dashboard: the page and its assets (compiled into the binary, so an offline
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
    router.get("/favicon.svg") { _, _ in asset(PackageResources.favicon_svg, type: "image/svg+xml") }
    router.get("/favicon.ico") { _, _ in asset(PackageResources.favicon_svg, type: "image/svg+xml") }
    router.get("/api/dashboard") { _, _ in json(dashboardSnapshot()) }
    router.get("/api/history") { request, _ in
      let after = request.uri.queryParameters.get("after").flatMap(Int.init) ?? 0
      return json(historyJSON(after: after, reset: after == 0).text)
    }
    router.get("/api/events") { _, _ in events() }
  }

  private func asset(_ bytes: [UInt8], type: String) -> Response {
    Response(
      status: .ok,
      headers: [
        .contentType: type, .cacheControl: "no-cache",
        .contentSecurityPolicy:
          "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
        .init("X-Content-Type-Options")!: "nosniff",
      ],
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  /// Everything the page shows except the charts' points: the entrances, the alerts (the
  /// newest 50 and every open one, newest first) and the gateway's own time, so ages and
  /// re-check countdowns are right even when the demo runs its clock fast.
  func dashboardSnapshot() -> String {
    var line = JSONLine()
    line.add("site", site)
    line.add("time", clock.now())
    line.add("speed", clock.speed)
    line.add("token_configured", token != nil)
    line.addRaw("entrances", entrancesJSON())
    do {
      let recent = try store.alerts(openOnly: false, limit: 50)
      let open = try store.alerts(openOnly: true, limit: 200)
      var seen = Set<Int64>()
      let alerts = (recent + open).filter { seen.insert($0.id).inserted }.sorted { $0.id > $1.id }
      line.addRaw("alerts", "[" + alerts.map(\.dashboardJSON).joined(separator: ",") + "]")
    } catch {
      line.addRaw("alerts", "[]")
      line.add("alerts_error", "reading alerts: \(error.description)")
    }
    return line.string
  }

  /// The chart points after `sequence`; `reset` tells the page to replace what it holds.
  func historyJSON(after sequence: Int, reset: Bool) -> (text: String, last: Int) {
    let (points, last) = status.history.points(after: sequence)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = (try? encoder.encode(points)) ?? Data("[]".utf8)
    var line = JSONLine()
    line.add("reset", reset)
    line.add("span", status.history.span)
    line.add("last", last)
    line.addRaw("points", String(decoding: data, as: UTF8.self))
    return (line.string, last)
  }

  /// The live stream. It ends when the server shuts down (a SIGTERM, a reload), and the page
  /// reconnects by itself; `retry` tells the browser how soon to try.
  private func events() -> Response {
    let streams = dashboardStreams
    guard streams.enter() else {
      return problem(
        "too many live dashboard streams open (\(streams.limit)); close a page or use GET /api/dashboard",
        status: .serviceUnavailable)
    }
    let body = ResponseBody { writer in
      defer { streams.leave() }
      var cursor = 0
      var lastSnapshot = ContinuousClock.now - .seconds(10)
      try await writer.write(ByteBuffer(string: "retry: 1500\n\n"))
      var first = true
      while !Task.isCancelled, !Task.isShuttingDownGracefully {
        let (history, last) = historyJSON(after: cursor, reset: first)
        var message = ""
        if first || last != cursor {
          message += "event: points\ndata: \(history)\n\n"
        }
        cursor = last
        first = false
        // Chart points go out as they come; the snapshot (alerts from the store) once a second.
        if ContinuousClock.now - lastSnapshot >= .seconds(1) {
          lastSnapshot = ContinuousClock.now
          message += "event: snapshot\ndata: \(streams.snapshot { dashboardSnapshot() })\n\n"
        }
        if !message.isEmpty { try await writer.write(ByteBuffer(string: message)) }
        try? await Task.sleep(for: .milliseconds(250))
      }
      try await writer.finish(nil)
    }
    return Response(
      status: .ok,
      headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", .init("X-Accel-Buffering")!: "no"],
      body: body)
  }
}

extension AlertView {
  /// The API's form plus the raising time in seconds, for the page's age column.
  var dashboardJSON: String {
    var line = JSONLine()
    line.add("raised_at_s", raisedAt)
    line.add("open", acknowledgedAt == nil && resolvedAt == nil)
    line.add("concerns_person", kind.concernsAPerson)
    let extra = line.string.dropLast()  // "{…" without its closing brace
    let base = json.dropFirst()  // "…}" without its opening brace
    return extra + "," + base
  }
}
