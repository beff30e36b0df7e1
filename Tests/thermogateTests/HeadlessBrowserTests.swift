import Foundation
import TestSupport
import Testing

/// The headless-browser driver itself, against a real chromium (CI installs it: a missing
/// browser fails these tests rather than skipping them).
@Suite(.serialized)
struct HeadlessBrowserTests {
  static let page = """
    <!doctype html>
    <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>driver check</title></head>
    <body style="background:#fafafa;font:24px sans-serif">
    <h1 id="status">waiting</h1>
    <button id="go" onclick="setTimeout(() => document.getElementById('status').textContent = 'clicked', 200)">Go</button>
    </body></html>
    """

  static func dataURL(_ html: String) -> String {
    "data:text/html;charset=utf-8," + (html.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
  }

  /// The processes of group `group` that are not zombies, from /proc/<pid>/stat
  /// ("pid (comm) state ppid pgrp ...").
  static func liveProcesses(inGroup group: pid_t) -> [String] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> String? in
      guard Int(entry) != nil, let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return nil }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      guard fields.count > 2, fields[0] != "Z", pid_t(fields[2]) == group else { return nil }
      return String(stat[..<close]) + ")"
    }
  }

  @Test func clicksWaitsAndTakesAScreenshot() throws {
    let browser = try HeadlessBrowser(width: 800, height: 600)
    defer { browser.close() }
    #expect(browser.version.hasPrefix("Chrome/"))
    try browser.navigate(to: Self.dataURL(Self.page))
    #expect(try browser.evaluate("document.title") as? String == "driver check")
    #expect(try browser.evaluate("window.innerWidth") as? Int == 800)
    #expect(try browser.evaluate("Promise.resolve(6 * 7)") as? Int == 42)
    #expect(try browser.evaluate("document.hidden === false") as? Bool == true)
    #expect(try browser.evaluate("document.getElementById('status').textContent") as? String == "waiting")

    try browser.evaluate("document.querySelector('#go').click()")
    try browser.waitUntil("document.getElementById('status').textContent === 'clicked'", timeout: 5)

    let file = FileManager.default.temporaryDirectory.appendingPathComponent("shot-\(UUID().uuidString).png")
    defer { try? FileManager.default.removeItem(at: file) }
    try browser.screenshot(to: file.path)
    let png = try Data(contentsOf: file)
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    #expect(png.count > 1024)
    #expect(browser.consoleErrors.isEmpty, "\(browser.consoleErrors)")

    try browser.setViewport(width: 390, height: 844, mobile: true)
    #expect(try browser.evaluate("window.innerWidth") as? Int == 390)
  }

  @Test func pageErrorsAreRecorded() throws {
    let browser = try HeadlessBrowser()
    defer { browser.close() }
    let html = """
      <script>console.error('first problem'); throw new Error('boom at load');</script>
      """
    try browser.navigate(to: Self.dataURL(html))
    try browser.waitUntil("true")
    let errors = browser.consoleErrors
    #expect(errors.contains { $0.contains("first problem") }, "\(errors)")
    #expect(errors.contains { $0.contains("boom at load") }, "\(errors)")

    #expect {
      try browser.evaluate("null.missing")
    } throws: { error in
      "\(error)".contains("TypeError")
    }
  }

  @Test func waitUntilGivesUpAtItsTimeout() throws {
    let browser = try HeadlessBrowser()
    defer { browser.close() }
    try browser.navigate(to: Self.dataURL("<p id='x'>still</p>"))
    let started = Date()
    #expect {
      try browser.waitUntil("document.getElementById('x').textContent === 'never'", timeout: 0.5)
    } throws: { error in
      let text = "\(error)"
      return text.contains("=== 'never'") && text.contains("false")
    }
    let elapsed = Date().timeIntervalSince(started)
    #expect(elapsed >= 0.5 && elapsed < 2, "gave up after \(elapsed) s")
  }

  @Test func closeLeavesNoChromiumBehind() throws {
    let started = Date()
    let browser = try HeadlessBrowser()
    let startup = Date().timeIntervalSince(started)
    #expect(try browser.evaluate("1 + 1") as? Int == 2)
    let group = browser.processID
    #expect(!Self.liveProcesses(inGroup: group).isEmpty)
    browser.close()
    browser.close()
    // Zombies may stay in the group until init reaps them; nothing may still run.
    #expect(Self.liveProcesses(inGroup: group).isEmpty, "still running: \(Self.liveProcesses(inGroup: group))")
    #expect(throws: HeadlessBrowserError.self) { try browser.evaluate("1") }
    #expect(startup < 10, "chromium took \(startup) s to start")
  }
}
