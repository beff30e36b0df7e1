import Foundation
import TestSupport
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

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

  /// Starts the demo (by default everyone febrile, the clock 20× fast, so fevers come within
  /// seconds) and returns its HTTP port.
  private func startDemo(
    port: Int, run: Int, febrile: String = "1", speed: String = "20", arrivals: String = "12"
  ) throws -> (ChildProcess, Int) {
    let output = "\(directory)/demo-\(run).out"
    let demo = try ChildProcess(
      CLI.binary.path,
      [
        "demo", "--duration", "0", "--speed", speed, "--febrile", febrile, "--arrivals", arrivals,
        "--state-directory", "\(directory)/state", "--http", "127.0.0.1:\(port)",
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
      let wrongToken =
        message.contains("status of 401") && (message.contains("/ack") || message.contains("/api/secondary"))
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

  /// The secondary station's page on a phone: a person a guard sent is listed with how long they
  /// have waited; a reading of 60 °C is refused as the gateway says, nothing changes; a normal
  /// oral reading clears them (their pass shown, the person gone from the list); a febrile one
  /// is confirmed and the doctor records a disposition. The duty dashboard then counts them.
  func testTheSecondaryStationPageOnAPhone() throws {
    // Few people and no febrile ones: the cases on the list are the test's.
    let (_, port) = try startDemo(port: 0, run: 1, febrile: "0", speed: "1", arrivals: "1")
    let api = API(port: port, token: token)
    let sent = try api.post(
      "/api/secondary", body: #"{"entrance": "north", "note": "looked unwell", "by": "Guard Wu"}"#, token: token)
    XCTAssertEqual(sent.status, 201, sent.body)
    let first = try caseID(sent)

    let browser = try HeadlessBrowser(width: 360, height: 740)
    defer { browser.close() }
    try browser.setViewport(width: 360, height: 740, mobile: true)
    try browser.navigate(to: "http://127.0.0.1:\(port)/secondary", timeout: 20)
    // Without the token the page shows nobody and says why.
    try browser.waitUntil(
      """
      !document.getElementById('station-status').hidden
        && document.getElementById('station-status').textContent.includes('token')
        && document.querySelectorAll('#waiting .case').length === 0
      """, timeout: 10)
    try browser.evaluate(
      """
      for (const [id, value] of [['ack-name', 'Nurse Wu'], ['ack-token', '\(token)']]) {
        const field = document.getElementById(id);
        field.value = value;
        field.dispatchEvent(new Event('change'));
      }
      """)
    let row = "#waiting .case[data-case=\"\(first)\"]"
    try browser.waitUntil(
      """
      document.querySelector('\(row)')?.dataset.entrance === 'north'
        && /sent by a guard · .*looked unwell/.test(document.querySelector('\(row) .case-about').textContent)
        && /^waiting [0-9]+ s$/.test(document.querySelector('\(row) .waited').textContent)
      """, timeout: 10)
    // A phone's width: nothing wider than the screen, and the buttons big enough for a thumb.
    let fits = try browser.evaluate(
      """
      document.documentElement.scrollWidth <= window.innerWidth + 1
        && document.querySelector('\(row) button[data-action="record"]').getBoundingClientRect().height >= 44
      """)
    XCTAssertEqual(fits as? Bool, true)
    try keepScreenshot(browser, "secondary-phone.png")

    // 60 °C is not a body temperature: the gateway's refusal is shown on the case, which stays
    // listed with what was typed.
    try record(browser, row: row, method: "oral", value: "60")
    try browser.waitUntil(
      """
      /Not recorded: .*60.*not a body temperature/.test(document.querySelector('\(row) .message').textContent)
        && document.querySelector('\(row) input[name="value_c"]').value === '60'
      """, timeout: 10)
    XCTAssertTrue(try waitingIDs(api).contains(first), "still waiting after the refusal")

    // A normal oral reading settles them: cleared, one pass at north, gone from the list.
    try record(browser, row: row, method: "oral", value: "36.8", device: "Omron MC-246")
    try browser.waitUntil(
      """
      document.getElementById('station-message').dataset.status === 'cleared'
        && /^cleared — one pass at north until [0-9]/.test(document.getElementById('station-message').textContent)
        && !document.querySelector('\(row)')
      """, timeout: 10)
    XCTAssertFalse(try waitingIDs(api).contains(first))

    // A febrile reading confirms a fever; the doctor records a disposition from the page.
    let second = try caseID(
      try api.post("/api/secondary", body: #"{"entrance": "south", "by": "Guard Wu"}"#, token: token))
    let secondRow = "#waiting .case[data-case=\"\(second)\"]"
    try browser.waitUntil("document.querySelector('\(secondRow)') !== null", timeout: 10)
    try record(browser, row: secondRow, method: "ear", value: "38.6")
    let fever = "#fevers .case[data-case=\"\(second)\"]"
    try browser.waitUntil(
      """
      document.getElementById('station-message').dataset.kind === 'fever'
        && /^FEVER confirmed — .*the doctor on call is being called/.test(
          document.getElementById('station-message').textContent)
        && /awaiting/.test(document.querySelector('\(fever) .disposition')?.textContent)
      """, timeout: 10)
    try browser.evaluate(
      """
      document.querySelector('\(fever) select[name="disposition"]').value = 'sent_home';
      document.querySelector('\(fever) input[name="notes"]').value = 'rest 3 days';
      document.querySelector('\(fever) button[data-action="dispose"]').click();
      """)
    try browser.waitUntil(
      """
      document.querySelector('\(fever)').dataset.disposition === 'sent_home'
        && /sent home — Nurse Wu at .*rest 3 days/.test(document.querySelector('\(fever) .disposition').textContent)
        && !document.querySelector('\(fever) form')
      """, timeout: 10)
    let fevers = try api.json(authorized: "/api/secondary?status=fever") as? [[String: Any]] ?? []
    XCTAssertEqual(fevers.first { $0["id"] as? Int == second }?["disposition"] as? String, "sent_home")

    // The duty dashboard (the token carried over in the tab's session): today's counts, no
    // fever left without a disposition, and the demo's doctor on call with the chain a fever calls.
    try browser.setViewport(width: 1280, height: 1000, mobile: false)
    try browser.navigate(to: "http://127.0.0.1:\(port)/", timeout: 20)
    try browser.waitUntil(
      """
      /cleared [1-9]/.test(document.querySelector('#secondary-counts [data-status="cleared"]')?.textContent)
        && document.querySelector('#secondary-counts [data-status="fever"]')?.textContent === 'fever 1'
        && !document.getElementById('no-secondary-fevers').hidden
        && document.getElementById('secondary-link').getAttribute('href') === '/secondary'
        && /^On call now: Dr (Wang|Li) \\(dr-(wang|li)\\) until [^,]+, then Dr (Li|Wang) · a fever calls Dr (Wang|Li) → Dr (Li|Wang) \\(backup\\) → the duty office$/.test(
          document.getElementById('on-call').textContent)
      """, timeout: 15)
    // Without the token the panel shows nobody and says why.
    try browser.evaluate(
      """
      const field = document.getElementById('ack-token');
      field.value = '';
      field.dispatchEvent(new Event('change'));
      """)
    try browser.waitUntil(
      """
      /API token/.test(document.getElementById('secondary-status').textContent)
        && document.getElementById('secondary-counts').hidden
      """, timeout: 10)

    let unexpected = browser.consoleErrors.filter { message in
      let refused = message.contains("status of 400") && message.contains("/reading")
      return !refused
    }
    XCTAssertEqual(unexpected, [], "console errors")
  }

  /// Types a reading into a waiting case's form and sends it.
  private func record(
    _ browser: HeadlessBrowser, row: String, method: String, value: String, device: String = ""
  ) throws {
    try browser.evaluate(
      """
      document.querySelector('\(row) select[name="method"]').value = '\(method)';
      document.querySelector('\(row) input[name="value_c"]').value = '\(value)';
      document.querySelector('\(row) input[name="device"]').value = '\(device)';
      document.querySelector('\(row) button[data-action="record"]').click();
      """)
  }

  private func caseID(_ reply: API.Reply) throws -> Int {
    let body = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
    return try XCTUnwrap(body?["id"] as? Int, reply.body)
  }

  private func waitingIDs(_ api: API) throws -> [Int] {
    let cases = try api.json(authorized: "/api/secondary?status=waiting") as? [[String: Any]] ?? []
    return cases.compactMap { $0["id"] as? Int }
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

extension API {
  /// A GET with the token, as JSON: the secondary station's lists are health data.
  func json(authorized path: String) throws -> Any {
    let url = try XCTUnwrap(URL(string: "http://127.0.0.1:\(port)\(path)"))
    var request = URLRequest(url: url, timeoutInterval: 5)
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    let done = DispatchSemaphore(value: 0)
    let result = LockedReply()
    URLSession.shared.dataTask(with: request) { data, response, _ in
      let status = (response as? HTTPURLResponse)?.statusCode ?? 0
      result.set(Reply(status: status, body: String(decoding: data ?? Data(), as: UTF8.self)))
      done.signal()
    }.resume()
    done.wait()
    let reply = try XCTUnwrap(result.get(), "GET \(path) failed")
    XCTAssertEqual(reply.status, 200, "GET \(path): \(reply.body)")
    return try JSONSerialization.jsonObject(with: Data(reply.body.utf8))
  }
}
