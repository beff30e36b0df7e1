import Foundation
import ThermoCore
import ThermoDispatch
import ThermoStore
import ThermoTools
import XCTest

/// `register shift-report`: a roster against a real register file, plain and hashed person IDs.
final class ShiftReportCommandTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-shift-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  private func decision(_ person: String, at time: Double, _ screeningClass: ScreeningClass, body: Double?) -> Decision
  {
    Decision(
      time: time, screeningClass: screeningClass,
      reason: screeningClass == .retry ? .unstableReading : .belowThreshold, person: person, rawObjectC: 34,
      skinC: 34, ambientC: 22, bodyC: body, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
      guardBandC: 0.1, calibrationID: "c", bodyModelVersion: "m", recheck: nil, sampleCount: 5)
  }

  private func makeRegister(policy: PersonIDPolicy, shift: Double) throws -> String {
    let path = "\(directory)/state.sqlite"
    let store = try AlertStore(path: path)
    try store.register([
      RegisterEntry(
        decision: decision("E10001", at: shift - 1800, .normal, body: 36.7), entrance: "north", device: "d",
        policy: policy),
      RegisterEntry(
        decision: decision("E10002", at: shift - 600, .retry, body: nil), entrance: "south", device: "d", policy: policy
      ),
      RegisterEntry(
        decision: decision("E10003", at: shift - 900, .elevated, body: 37.6), entrance: "north", device: "d",
        policy: policy),
      // Screened, but the day before: does not count.
      RegisterEntry(
        decision: decision("E10004", at: shift - 86_400, .normal, body: 36.6), entrance: "north", device: "d",
        policy: policy),
    ])
    // The gate turned Ben away (his contract had run out) and Caro (elevated).
    var batch = RegisterBatch()
    for (person, reason, time) in [("E10002", AccessReason.expiredID, shift - 700), ("E10003", .elevated, shift - 900)]
    {
      let denial = AccessDecision(
        pass: 1, time: time, outcome: .denied, reason: reason, person: person, holder: nil, screening: nil,
        mode: .access)
      batch.passages.append((PassageEntry(decision: denial, entrance: "north", policy: policy), nil))
    }
    try store.register(batch)
    return path
  }

  private func roster() throws -> String {
    let path = "\(directory)/roster.csv"
    try """
    work_id,name,shift_start
    E10001,Ana,2026-11-30T08:00:00Z
    E10002,Ben,2026-11-30T08:00:00Z
    E10003,Caro,2026-11-30T08:00:00Z
    E10004,Dan,2026-11-30T08:00:00Z
    """.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  func testRosterAgainstAPlainRegister() throws {
    let shift = try XCTUnwrap(ISO8601DateFormatter().date(from: "2026-11-30T08:00:00Z")).timeIntervalSince1970
    let database = try makeRegister(policy: .plain, shift: shift)
    let run = try CLI.run(["register", "shift-report", "--roster", try roster(), "--database", database, "--json"])
    XCTAssertEqual(run.status, 1, "people not screened or needing attention")
    let rows = try CLI.jsonLines(run.output)
    let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0["work_id"] as? String ?? "", $0) })
    XCTAssertEqual(byID["E10001"]?["screened"] as? String, "yes")
    XCTAssertEqual(byID["E10001"]?["class"] as? String, "normal")
    XCTAssertEqual(byID["E10002"]?["screened"] as? String, "no")
    XCTAssertEqual(byID["E10002"]?["attempts_without_result"] as? Int, 1)
    XCTAssertEqual(byID["E10003"]?["class"] as? String, "elevated")
    XCTAssertEqual(byID["E10004"]?["screened"] as? String, "no", "a screening the day before does not count")
    XCTAssertEqual(byID["E10002"]?["denied_at_gate"] as? Int, 1)
    XCTAssertEqual(byID["E10002"]?["denied_reasons"] as? String, "expired_id")
    XCTAssertEqual(byID["E10001"]?["denied_at_gate"] as? Int, 0)
    XCTAssertTrue(
      run.errors.contains("4 on the roster: 2 screened, 2 not screened, 1 need attention, 2 denied at the gate"),
      run.errors)
  }

  func testHashedIDsAreComparedHashedUnderTheSitesKey() throws {
    let shift = try XCTUnwrap(ISO8601DateFormatter().date(from: "2026-11-30T08:00:00Z")).timeIntervalSince1970
    let key = "site-key-0123456789abcdef"
    let database = try makeRegister(policy: .hashed(key: Array(key.utf8)), shift: shift)
    let config = "\(directory)/gate.yaml"
    try "person_ids: {mode: hashed, key_env: SHIFT_TEST_KEY}\n".write(toFile: config, atomically: true, encoding: .utf8)
    setenv("SHIFT_TEST_KEY", key, 1)
    defer { unsetenv("SHIFT_TEST_KEY") }
    let hashed = try CLI.run([
      "register", "shift-report", "--roster", try roster(), "--database", database, "--config", config, "--json",
    ])
    let screened = try CLI.jsonLines(hashed.output).filter { $0["screened"] as? String == "yes" }
    XCTAssertEqual(screened.compactMap { $0["work_id"] as? String }.sorted(), ["E10001", "E10003"], hashed.errors)
    // Without the key nothing matches: the register holds no plain IDs.
    let plain = try CLI.run(["register", "shift-report", "--roster", try roster(), "--database", database, "--json"])
    XCTAssertTrue(try CLI.jsonLines(plain.output).allSatisfy { $0["screened"] as? String == "no" })
  }

  func testABadRosterLineIsNamed() throws {
    let database = try makeRegister(policy: .plain, shift: 0)
    let path = "\(directory)/bad.csv"
    try "work_id,shift_start\nE1,25:99\n".write(toFile: path, atomically: true, encoding: .utf8)
    let run = try CLI.run(["register", "shift-report", "--roster", path, "--database", database])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(
      run.errors.contains("\(path):2:1: shift_start '25:99' is neither HH:MM nor an ISO 8601 time"), run.errors)
  }

  func testTheAccessDecisionsAreExportedWithTheirReasons() throws {
    let shift = try XCTUnwrap(ISO8601DateFormatter().date(from: "2026-11-30T08:00:00Z")).timeIntervalSince1970
    let database = try makeRegister(policy: .plain, shift: shift)
    let jsonl = try CLI.run(["register", "decisions", "--database", database, "--format", "jsonl"])
    XCTAssertEqual(jsonl.status, 0, jsonl.errors)
    let rows = try CLI.jsonLines(jsonl.output)
    XCTAssertEqual(
      rows.map {
        "\($0["person"] as? String ?? "-") \($0["outcome"] as? String ?? "?") \($0["reason"] as? String ?? "?")"
      },
      [
        "E10003 denied elevated", "E10002 denied expired_id",
      ])
    let csv = try CLI.run(["register", "decisions", "--database", database, "--since", "2026-11-30T07:48:00Z"])
    let lines = csv.output.split(separator: "\n")
    XCTAssertEqual(
      lines.first, "id,time,entrance,mode,outcome,reason,person,holder,screening_id,screening_class,body_c")
    XCTAssertEqual(lines.count, 2, "only the decision since 07:48: \(csv.output)")
    XCTAssertTrue(lines.last?.contains(",access,denied,expired_id,E10002,") == true, csv.output)
  }
}
