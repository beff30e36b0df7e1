import Foundation
import TestSupport
import ThermoStore
import XCTest

/// `make run`'s demo as a user meets it: entrances in access mode, people let in and turned away
/// with reasons, counted in the metrics, and no lane held for an elevated person.
final class DemoAccessTests: XCTestCase {
  private var directory = ""
  private var demo: ChildProcess?

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-demo-access-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    demo?.stop(signal: SIGKILL, timeout: 5)
    try? FileManager.default.removeItem(atPath: directory)
  }

  func testTheDemoGrantsAndDeniesWithReasonsAndHoldsNoLane() throws {
    let output = "\(directory)/demo.out"
    let demo = try ChildProcess(
      CLI.binary.path,
      [
        "demo", "--duration", "0", "--speed", "20", "--febrile", "0.3", "--arrivals", "30", "--state-directory",
        "\(directory)/state", "--http", "127.0.0.1:0",
      ], output: output, errors: "\(directory)/demo.err")
    self.demo = demo
    var port = 0
    try waitUntil("the demo serves HTTP", timeout: 60, log: "\(directory)/demo.err") {
      let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
      guard let range = text.range(of: "http://127.0.0.1:") else { return false }
      port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
      return port > 0
    }
    let api = API(port: port, token: "")
    var metrics = ""
    try waitUntil("grants and an elevated denial in the metrics", timeout: 90, log: "\(directory)/demo.err") {
      metrics = try api.get("/metrics").body
      return metrics.contains(#"outcome="granted",reason="normal""#)
        && metrics.contains(#"outcome="denied",reason="elevated""#)
    }
    XCTAssertTrue(metrics.contains("thermogate_access_decisions_total{"), metrics)
    let entrances = try XCTUnwrap(try api.json("/api/entrances") as? [[String: Any]])
    XCTAssertEqual(Set(entrances.compactMap { $0["mode"] as? String }), ["access"])
    XCTAssertTrue(entrances.allSatisfy { $0["gate_held"] as? Bool == false }, "an access lane is never held")
    XCTAssertTrue(
      entrances.contains { ($0["last_decision"] as? [String: Any])?["reason"] is String }, "\(entrances)")
    XCTAssertTrue(entrances.contains { ($0["guard_line"] as? [String: Any])?["text"] is String })
    // The demo's nurse settles the people sent to the secondary station.
    let store = try AlertStore(path: "\(directory)/state/thermogate.sqlite")
    try waitUntil("a case settled by a clinical reading", timeout: 60, log: "\(directory)/demo.err") {
      try store.secondaryCases(statuses: [.cleared, .fever]).contains { $0.settledHow == .clinical }
    }
  }
}
