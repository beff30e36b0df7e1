import Foundation
import ThermoCore
import ThermoStore
import XCTest

/// `thermogate secondary`, and the register, shift report and daily report carrying what the
/// secondary station and the doctor decided — against a real register file.
final class SecondaryCommandTests: XCTestCase {
  private var directory = ""
  private var database = ""
  private var config = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-secondary-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    database = "\(directory)/state.sqlite"
    config = "\(directory)/gate.yaml"
    try """
    database: \(database)
    secondary: {fever_c: {oral: 37.3}}
    entrances:
      - {name: north, thermometer: "sim:mlx90614"}
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let store = try AlertStore(path: database)
    let now = Date().timeIntervalSince1970
    func entry(_ person: String, _ id: Int, at time: Double) -> RegisterEntry {
      let decision = Decision(
        time: time, screeningClass: .elevated, reason: .atOrAboveThreshold, person: person, rawObjectC: 36.4,
        skinC: 36.5, ambientC: 22, bodyC: 37.6, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
        guardBandC: 0.1, calibrationID: "c", bodyModelVersion: "m",
        recheck: RecheckLink(id: id, role: .opened, openedAt: time, deadline: time + 600), sampleCount: 5)
      return RegisterEntry(decision: decision, entrance: "north", device: "d", policy: .plain)
    }
    try store.register([entry("E1", 1, at: now - 3600), entry("E2", 2, at: now - 3500)])
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  func testListRecordAndDisposeFromTheCommandLine() throws {
    let listed = try CLI.run(["secondary", "list", "--database", database, "--json"])
    XCTAssertEqual(listed.status, 0, listed.errors)
    let waiting = try CLI.jsonLines(listed.output)
    XCTAssertEqual(waiting.map { $0["person"] as? String }, ["E1", "E2"])
    let (first, second) = (waiting[0]["id"] as? Int ?? 0, waiting[1]["id"] as? Int ?? 0)

    let hot = try CLI.run(
      [
        "secondary", "record", "\(first)", "--method", "oral", "--value", "60", "--by", "Nurse Wu",
        "--config", config,
      ])
    XCTAssertEqual(hot.status, 1)
    XCTAssertTrue(hot.errors.contains("not a body temperature"), hot.errors)
    let unknown = try CLI.run(
      ["secondary", "record", "\(first)", "--method", "rectal", "--value", "37", "--database", database])
    XCTAssertNotEqual(unknown.status, 0)
    XCTAssertTrue(unknown.errors.contains("'rectal'"), unknown.errors)

    let unconfigured = try CLI.run(
      [
        "secondary", "record", "\(first)", "--method", "oral", "--value", "37.4", "--by", "Nurse Wu", "--database",
        database,
      ])
    XCTAssertEqual(unconfigured.status, 64, unconfigured.errors)
    XCTAssertTrue(unconfigured.errors.contains("--config is required"), unconfigured.errors)
    let cleared = try CLI.run(
      [
        "secondary", "record", "\(first)", "--method", "oral", "--value", "36.9", "--by", "Nurse Wu",
        "--config", config,
      ])
    XCTAssertEqual(cleared.status, 0, cleared.errors)
    XCTAssertTrue(cleared.output.contains("cleared") && cleared.output.contains("one pass at north"), cleared.output)
    let twice = try CLI.run(
      [
        "secondary", "record", "\(first)", "--method", "oral", "--value", "38.9", "--by", "Nurse Wu",
        "--config", config,
      ])
    XCTAssertEqual(twice.status, 1)
    XCTAssertTrue(twice.errors.contains("already settled"), twice.errors)

    let fever = try CLI.run(
      [
        "secondary", "record", "\(second)", "--method", "oral", "--value", "37.4", "--by", "Nurse Wu",
        "--config", config,
      ])
    // The site's own line: oral 37.4 is a fever under its 37.3, though not under the default 37.5.
    XCTAssertTrue(fever.output.contains("FEVER confirmed"), fever.output)
    let disposed = try CLI.run(
      [
        "secondary", "dispose", "\(second)", "--disposition", "sent_home", "--notes", "rest", "--by", "Dr Li",
        "--config", config,
      ])
    XCTAssertEqual(disposed.status, 0, disposed.errors)

    // The register export carries the outcome; the daily report counts it, with no person in it.
    let export = try CLI.run(["register", "export", "--database", database, "--format", "csv"])
    XCTAssertEqual(export.status, 0, export.errors)
    let lines = export.output.split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let status = try XCTUnwrap(header.firstIndex(of: "secondary_status"))
    let disposition = try XCTUnwrap(header.firstIndex(of: "disposition"))
    let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    XCTAssertEqual(rows.map { $0[status] }, ["cleared", "fever"])
    XCTAssertEqual(rows.map { $0[disposition] }, ["", "sent_home"])

    let daily = try CLI.run(["register", "daily-report", "--database", database, "--json", "--time-zone", "UTC"])
    XCTAssertEqual(daily.status, 0, daily.errors)
    let total = try XCTUnwrap(try CLI.jsonLines(daily.output).last)
    XCTAssertEqual(total["entrance"] as? String, "all")
    XCTAssertEqual(total["secondary_cleared_clinical"] as? Int, 1)
    XCTAssertEqual(total["secondary_fever_clinical"] as? Int, 1)
    XCTAssertEqual(total["disposition_sent_home"] as? Int, 1)
    XCTAssertFalse(daily.output.contains("E1") || daily.output.contains("E2"), "counts only")
  }

  func testTheShiftReportNoLongerFlagsSomeoneTheStationCleared() throws {
    let cases = try CLI.jsonLines(try CLI.run(["secondary", "list", "--database", database, "--json"]).output)
    _ = try CLI.run(
      [
        "secondary", "record", "\(cases[0]["id"] as? Int ?? 0)", "--method", "axillary", "--value", "36.6",
        "--by", "Nurse Wu", "--config", config,
      ])
    let start = Date(timeIntervalSinceNow: 600).formatted(Date.ISO8601FormatStyle())
    let roster = "\(directory)/roster.csv"
    try "work_id,shift_start\nE1,\(start)\nE2,\(start)\n".write(toFile: roster, atomically: true, encoding: .utf8)
    let run = try CLI.run(["register", "shift-report", "--roster", roster, "--database", database, "--json"])
    let byID = Dictionary(
      uniqueKeysWithValues: try CLI.jsonLines(run.output).map { ($0["work_id"] as? String ?? "", $0) })
    XCTAssertEqual(byID["E1"]?["secondary"] as? String, "cleared")
    XCTAssertEqual(byID["E1"]?["needs_attention"] as? String, "no")
    XCTAssertEqual(byID["E2"]?["secondary"] as? String, "waiting")
    XCTAssertEqual(byID["E2"]?["needs_attention"] as? String, "yes")
  }
}
