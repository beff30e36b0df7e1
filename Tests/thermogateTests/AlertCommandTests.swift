import Foundation
import ThermoStore
import ThermoTools
import XCTest

/// `alerts`, `silence` and `register export` on a database filled by a short dispatch drill.
final class AlertCommandTests: XCTestCase {
  var database = ""

  override func setUpWithError() throws {
    database = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).sqlite").path
    // Nothing listens on port 9: deliveries stay pending, as when the network is down.
    let drill = Process()
    drill.executableURL = CLI.binary
    drill.arguments = [
      "dispatch-drill", "--database", database, "--count", "3", "--interval", "0", "--webhook", "http://127.0.0.1:9/x",
    ]
    let output = Pipe()
    drill.standardOutput = output
    try drill.run()
    var text = ""
    while text.split(separator: "\n").count < 3 {
      let chunk = output.fileHandleForReading.availableData
      guard !chunk.isEmpty else { break }
      text += String(decoding: chunk, as: UTF8.self)
    }
    kill(drill.processIdentifier, SIGKILL)
    drill.waitUntilExit()
  }

  func testAlertsAreListedAcknowledgedOnceAndRefusedTwice() throws {
    let listed = try CLI.run(["alerts", "--open", "--json", "--database", database])
    XCTAssertEqual(listed.status, 0, listed.errors)
    let alerts = try CLI.jsonLines(listed.output)
    XCTAssertEqual(alerts.count, 3)
    XCTAssertEqual(alerts.first?["kind"] as? String, "fever")
    let deliveries = try XCTUnwrap(alerts.first?["deliveries"] as? [[String: Any]])
    XCTAssertEqual(deliveries.first?["sink"] as? String, "webhook")
    XCTAssertEqual(deliveries.first?["status"] as? String, "pending")

    let ack = try CLI.run(["alerts", "ack", "2", "--by", "Dr. Ruiz", "--database", database])
    XCTAssertEqual(ack.status, 0, ack.errors)
    let again = try CLI.run(["alerts", "ack", "2", "--by", "someone", "--database", database])
    XCTAssertEqual(again.status, 1)
    XCTAssert(again.errors.contains("already acknowledged by Dr. Ruiz"), again.errors)
    let missing = try CLI.run(["alerts", "ack", "99", "--by", "x", "--database", database])
    XCTAssert(missing.errors.contains("no alert #99"), missing.errors)
    let open = try CLI.jsonLines(try CLI.run(["alerts", "--open", "--json", "--database", database]).output)
    XCTAssertEqual(open.compactMap { $0["id"] as? Int }.sorted(), [1, 3])
  }

  func testSilencesAreAddedListedAndRemoved() throws {
    let add = try CLI.run([
      "silence", "add", "--entrance", "north", "--minutes", "30", "--reason", "lens cleaning", "--by", "tech",
      "--database", database,
    ])
    XCTAssertEqual(add.status, 0, add.errors)
    XCTAssert(add.output.hasPrefix("silence #1 until"), add.output)
    XCTAssert(try CLI.run(["silence", "list", "--database", database]).output.contains("entrance north"))
    XCTAssertEqual(try CLI.run(["silence", "remove", "1", "--database", database]).status, 0)
    XCTAssertEqual(try CLI.run(["silence", "list", "--database", database]).output, "")
    let everything = try CLI.run([
      "silence", "add", "--minutes", "5", "--reason", "r", "--by", "b", "--database", database,
    ])
    XCTAssertNotEqual(everything.status, 0)
    XCTAssert(everything.errors.contains("a silence of everything is refused"), everything.errors)
  }

  func testTheRegisterExportsAsCSVAndJSONLines() throws {
    let csv = try CLI.run(["register", "export", "--database", database])
    XCTAssertEqual(csv.status, 0, csv.errors)
    let rows = csv.output.split(separator: "\n")
    XCTAssertEqual(rows.count, 4)
    XCTAssert(rows[0].hasPrefix("id,time,entrance,device,class"))
    XCTAssert(rows[1].contains(",drill,,fever,confirmed_by_recheck,"), String(rows[1]))
    let jsonl = try CLI.jsonLines(
      try CLI.run(["register", "export", "--format", "jsonl", "--database", database]).output)
    XCTAssertEqual(jsonl.count, 3)
    XCTAssertEqual(jsonl.first?["body_c"] as? Double, 38.3)
    let future = try CLI.run(["register", "export", "--since", "2999-01-01T00:00:00Z", "--database", database])
    XCTAssertEqual(future.output.split(separator: "\n").count, 1)
    let bad = try CLI.run(["register", "export", "--since", "yesterday", "--database", database])
    XCTAssertNotEqual(bad.status, 0)
    XCTAssert(bad.errors.contains("'yesterday' is not a time"), bad.errors)
    let nowhere = try CLI.run(["alerts", "--database", "/nonexistent/thermogate.sqlite"])
    XCTAssertEqual(nowhere.status, 1)
    XCTAssert(nowhere.errors.contains("no database at /nonexistent/thermogate.sqlite"), nowhere.errors)
  }
}
