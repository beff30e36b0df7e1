import Foundation
import TestSupport
import XCTest

/// The duty-office dashboard in a real browser (Debian's Chromium, headless) against
/// `thermogate demo`: six tiles with their access decisions, a fever reaching the feed,
/// acknowledging from the page, an emergency release on its tile, a phone screen, and the page
/// finding the daemon again after a restart (the release still in force, then cleared from it).
///
/// `THERMOGATE_SCREENSHOT_DIR` keeps the screenshots it takes (`make screenshot`).
final class DashboardBrowserTests: XCTestCase {
  private var directory = ""
  private var demos: [ChildProcess] = []
  private let token = "dashboard-token-0123456789"
  private let entrances = ["north", "south", "east", "west", "garage", "lobby"]

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-dashboard-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    for demo in demos { demo.stop(signal: SIGKILL, timeout: 5) }
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// Starts the demo (everyone febrile, the clock 20× fast, so fevers come within seconds) and
  /// returns its HTTP port.
  private func startDemo(port: Int, run: Int) throws -> (ChildProcess, Int) {
    let output = "\(directory)/demo-\(run).out"
    let demo = try ChildProcess(
      CLI.binary.path,
      [
        "demo", "--duration", "0", "--speed", "20", "--febrile", "1", "--arrivals", "12", "--state-directory",
        "\(directory)/state", "--http", "127.0.0.1:\(port)",
      ], output: output, errors: "\(directory)/demo-\(run).err", environment: ["THERMOGATE_API_TOKEN": token])
    demos.append(demo)
    var bound = 0
    try waitUntil("the demo serves HTTP", timeout: 60, run: run) {
      let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
      guard let range = text.range(of: "http://127.0.0.1:") else { return false }
      bound = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
      return bound > 0
    }
    return (demo, bound)
  }

  func testTheDashboardShowsActsAndRecoversInARealBrowser() throws {
    var (demo, port) = try startDemo(port: 0, run: 1)
    let api = API(port: port, token: token)
    let browser = try HeadlessBrowser(width: 1280, height: 1000)
    defer { browser.close() }
    try browser.navigate(to: "http://127.0.0.1:\(port)/", timeout: 20)

    // Six tiles, live, in the configuration's order, each in one of the known states.
    try browser.waitUntil(
      """
      document.querySelectorAll('#tiles .tile[data-entrance]').length === 6
        && document.getElementById('connection').dataset.connected === 'true'
      """, timeout: 20)
    let names = try browser.evaluate(
      "Array.from(document.querySelectorAll('#tiles .tile')).map(t => t.dataset.entrance).join(',')")
    XCTAssertEqual(names as? String, entrances.joined(separator: ","))
    let states = try browser.evaluate(
      "Array.from(document.querySelectorAll('#tiles .tile')).map(t => t.dataset.state).join(',')")
    let known: Set<String> = ["ready", "warming", "no_device", "fault", "silenced"]
    XCTAssertTrue(
      ((states as? String) ?? "").split(separator: ",").allSatisfy { known.contains(String($0)) }, "\(states ?? "")")

    // Each tile says how its entrance runs (the demo: access control).
    let modes = try browser.evaluate(
      "Array.from(document.querySelectorAll('#tiles .tile .mode')).map(m => m.textContent).join(',')")
    XCTAssertEqual(modes as? String, Array(repeating: "ACCESS", count: 6).joined(separator: ","))

    // A fever raised by the gateway reaches the page's feed within seconds of being recorded.
    var feverID = 0
    try waitUntil("a fever alert in the API", timeout: 90, run: 1) {
      let alerts = try api.json("/api/alerts?open=true") as? [[String: Any]] ?? []
      feverID = alerts.first { $0["kind"] as? String == "fever" }?["id"] as? Int ?? 0
      return feverID > 0
    }
    let item = "#alerts [data-alert-id=\"\(feverID)\"]"
    // "Within seconds": a generous bound on a shared machine (the stream sends once a second).
    try browser.waitUntil("document.querySelector('\(item)[data-kind=\"fever\"]') !== null", timeout: 10)
    // The screenings behind it are charted.
    try browser.waitUntil(
      "Array.from(document.querySelectorAll('canvas.chart')).some(c => Number(c.dataset.points) > 0)", timeout: 10)
    // The access decisions reach the tiles: granted or denied with its reason and person.
    try browser.waitUntil(
      """
      Array.from(document.querySelectorAll('#tiles .decision')).some(d =>
        /^(granted|denied)$/.test(d.dataset.outcome) && d.querySelector('.value').textContent.includes(' · '))
      """, timeout: 20)
    // Today's counts show screenings, and febrile people wait in the re-check queue with a
    // countdown.
    try browser.waitUntil(
      """
      Array.from(document.querySelectorAll('#tiles .counts [data-class]'))
        .map(s => Number(s.textContent.split(' ').pop())).reduce((a, b) => a + b, 0) > 0
      """, timeout: 10)
    try browser.waitUntil(
      "Array.from(document.querySelectorAll('#rechecks .left')).some(n => /left|overdue/.test(n.textContent))",
      timeout: 20)

    // Acknowledging needs the token: a wrong one is refused and the alert stays open.
    try browser.evaluate(
      """
      document.getElementById('ack-name').value = 'Dr Duty';
      document.getElementById('ack-token').value = 'not-the-token-000000';
      document.querySelector('\(item) button[data-action="ack"]').click();
      """)
    try browser.waitUntil(
      "document.getElementById('ack-message').textContent.includes('not acknowledged')", timeout: 10)
    XCTAssertEqual(try alert(feverID, api)?["acknowledged_by"] as? NSNull, NSNull())

    // With the right one the API's state changes, and the page shows it.
    try browser.evaluate(
      """
      document.getElementById('ack-token').value = '\(token)';
      document.querySelector('\(item) button[data-action="ack"]').click();
      """)
    try browser.waitUntil(
      "document.getElementById('ack-message').textContent.includes('acknowledged by Dr Duty')", timeout: 10)
    XCTAssertEqual(try alert(feverID, api)?["acknowledged_by"] as? String, "Dr Duty")
    try browser.waitUntil(
      "document.querySelector('\(item)').dataset.acknowledged === 'true' && !document.querySelector('\(item) button')",
      timeout: 5)
    // A visitor pass issued from the page: its code shown once, the phone number masked.
    try browser.evaluate(
      """
      document.getElementById('visitor-name').value = 'Li Lei';
      document.getElementById('visitor-host').value = 'E10100';
      document.getElementById('visitor-phone').value = '13812345678';
      document.querySelector('#visitor-form button[type="submit"]').click();
      """)
    try browser.waitUntil(
      """
      /^[0-9]{10}$/.test(document.getElementById('visitor-code').dataset.code || '')
        && document.getElementById('visitor-message').textContent.includes('138****5678')
      """, timeout: 10)

    // A guard releases one entrance through the API: its tile (and only its) shows the banner.
    let released = try api.post(
      "/api/emergency", body: #"{"entrance": "east", "by": "Guard Wu", "reason": "fire drill"}"#, token: token)
    XCTAssertEqual(released.status, 201, released.body)
    let east = "#tiles .tile[data-entrance=\"east\"]"
    try browser.waitUntil(
      """
      !document.querySelector('\(east) .emergency-banner').hidden
        && /FREE PASSAGE.*Guard Wu.*fire drill/.test(document.querySelector('\(east) .emergency-banner').textContent)
        && document.querySelectorAll('#tiles .tile[data-emergency="true"]').length === 1
      """, timeout: 10)
    try keepScreenshot(browser, "dashboard-desktop.png")

    // A phone-sized screen: one column, nothing wider than the screen.
    try browser.setViewport(width: 390, height: 844, mobile: true)
    try browser.waitUntil(
      """
      document.documentElement.scrollWidth <= window.innerWidth + 1
        && new Set(Array.from(document.querySelectorAll('#tiles .tile')).map(t => t.offsetLeft)).size === 1
      """, timeout: 5)
    try keepScreenshot(browser, "dashboard-phone.png")
    try browser.setViewport(width: 1280, height: 1000, mobile: false)

    // The daemon restarts: the page says it lost it, then finds the new one by itself, and the
    // acknowledged fever is still there (the store kept it).
    XCTAssertTrue(demo.stop(signal: SIGTERM, timeout: 20))
    XCTAssertEqual(demo.exitStatus, 0)
    try browser.waitUntil("document.getElementById('connection').dataset.connected === 'false'", timeout: 10)
    (demo, _) = try startDemo(port: port, run: 2)
    try browser.waitUntil(
      """
      document.getElementById('connection').dataset.connected === 'true'
        && document.querySelectorAll('#tiles .tile[data-entrance]').length === 6
        && document.querySelector('\(item)')?.dataset.acknowledged === 'true'
        && document.querySelector('\(east)')?.dataset.emergency === 'true'
      """, timeout: 30)

    // The release outlived the restart; the guard ends it from the tile.
    try browser.evaluate("document.querySelector('\(east) [data-action=\"clear-emergency\"]').click()")
    try browser.waitUntil(
      """
      document.querySelector('\(east)').dataset.emergency === 'false'
        && !document.querySelector('#tiles [data-emergency="true"]')
      """, timeout: 10)
    XCTAssertEqual((try api.json("/api/emergency") as? [Any])?.count, 0)

    // Nothing broke in the page: no script errors, no blocked resources (only the refused
    // connections while the daemon was down and the refused acknowledgement).
    let unexpected = browser.consoleErrors.filter { message in
      let refusedWhileDown =
        message.contains("ERR_CONNECTION_REFUSED")
        || (message.contains("/api/events")
          && message.contains("net::ERR_"))
      let wrongToken = message.contains("status of 401") && message.contains("/ack")
      return !refusedWhileDown && !wrongToken
    }
    XCTAssertEqual(unexpected, [], "console errors")
  }

  func testThePageAndItsAssetsComeFromTheGatewayItself() throws {
    let (_, port) = try startDemo(port: 0, run: 1)
    let api = API(port: port, token: token)
    let page = try api.get("/")
    XCTAssertEqual(page.status, 200)
    XCTAssertTrue(page.body.contains("<script src=\"/dashboard.js\""))
    // No asset from anywhere else: gate boxes are often offline.
    XCTAssertFalse(page.body.contains("http://") || page.body.contains("https://"), page.body)
    for asset in ["/dashboard.js", "/dashboard.css"] {
      let reply = try api.get(asset)
      XCTAssertEqual(reply.status, 200, asset)
      XCTAssertFalse(reply.body.contains("https://"), asset)
    }
    let snapshot = try XCTUnwrap(try api.json("/api/dashboard") as? [String: Any])
    XCTAssertEqual((snapshot["entrances"] as? [[String: Any]])?.count, 6)
    XCTAssertEqual(snapshot["token_configured"] as? Bool, true)
  }

  private func alert(_ id: Int, _ api: API) throws -> [String: Any]? {
    let alerts = try api.json("/api/alerts?limit=1000") as? [[String: Any]] ?? []
    return alerts.first { $0["id"] as? Int == id }
  }

  private func keepScreenshot(_ browser: HeadlessBrowser, _ name: String) throws {
    let target = ProcessInfo.processInfo.environment["THERMOGATE_SCREENSHOT_DIR"] ?? directory
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    let path = "\(target)/\(name)"
    try browser.screenshot(to: path)
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    XCTAssertGreaterThan(size, 20_000, "a screenshot of a drawn page, not a blank one")
  }

  private func waitUntil(_ what: String, timeout: Double, run: Int, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if (try? condition()) == true { return }
      Thread.sleep(forTimeInterval: 0.2)
    }
    let log = (try? String(contentsOfFile: "\(directory)/demo-\(run).err", encoding: .utf8)) ?? ""
    XCTFail("timed out waiting for \(what); demo log tail:\n\(log.suffix(3000))")
    throw XCTSkip("stopping after a timeout")
  }
}
