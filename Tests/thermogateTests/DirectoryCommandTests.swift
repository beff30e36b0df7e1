import Foundation
import ThermoStore
import XCTest

/// `directory` and `visitor` against a real database file, through the built binary.
final class DirectoryCommandTests: XCTestCase {
  private var directory = ""
  private var database: String { "\(directory)/state/thermogate.sqlite" }
  private let header = "work_id,name,department,role,valid_from,valid_until,status"

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-directory-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  private func file(_ name: String, _ text: String) throws -> String {
    let path = "\(directory)/\(name)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  private func importGood() throws {
    let staff = try file(
      "staff.csv",
      "\u{FEFF}\(header)\r\nE1001,\"张伟, 工程师\",研发部,engineer,2026-01-01,,\r\nE1002,Li Lei,Ops,guard,,,\r\n")
    let run = try CLI.run(["directory", "import", staff, "--database", database, "--by", "hr-test"])
    XCTAssertEqual(run.status, 0, run.errors)
    XCTAssertEqual(run.output, "imported 2 staff from \(staff) (2 added, 0 changed, 0 removed)\n")
  }

  func testAGoodFileIsImportedAndListed() throws {
    try importGood()
    let list = try CLI.run(["directory", "list", "--database", database, "--json"])
    XCTAssertEqual(list.status, 0, list.errors)
    let rows = try CLI.jsonLines(list.output)
    XCTAssertEqual(rows.compactMap { $0["work_id"] as? String }, ["E1001", "E1002"])
    XCTAssertEqual(rows.first?["name"] as? String, "张伟, 工程师")
    XCTAssertEqual(rows.first?["status"] as? String, "active")
    XCTAssertTrue(rows.first?["valid_from"] is String)
    XCTAssertTrue(rows.first?["valid_until"] is NSNull)
    let text = try CLI.run(["directory", "list", "--database", database])
    XCTAssertTrue(text.output.contains("E1002  Li Lei  Ops  guard  always  active"), text.output)
  }

  func testABadFileIsRefusedWholeWithEveryProblemNamed() throws {
    try importGood()
    let bad = try file(
      "staff.csv", "\(header)\nE2001,New Person,,,,,\nE2002,Bad Date,,,,2026-13-01,\nE2003,Short,,\n")
    let run = try CLI.run(["directory", "import", bad, "--database", database])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(
      run.errors.contains(
        "staff.csv:3: field valid_until: '2026-13-01' is not a date (ISO 8601, e.g. 2026-12-31)"), run.errors)
    XCTAssertTrue(run.errors.contains("staff.csv:4: expected 7 fields"), run.errors)
    XCTAssertTrue(run.errors.contains("nothing imported"), run.errors)
    XCTAssertEqual(run.output, "")
    let list = try CLI.run(["directory", "list", "--database", database, "--json"])
    XCTAssertEqual(try CLI.jsonLines(list.output).compactMap { $0["work_id"] as? String }, ["E1001", "E1002"])
  }

  func testABlockedIDShowsBlockedAndAnUnknownOneIsAnError() throws {
    try importGood()
    let block = try CLI.run(["directory", "block", "E1002", "--database", database, "--by", "guard-7"])
    XCTAssertEqual(block.status, 0, block.errors)
    XCTAssertEqual(block.output, "E1002 blocked\n")
    let show = try CLI.run(["directory", "show", "E1002", "--database", database])
    XCTAssertEqual(show.status, 0, show.errors)
    XCTAssertTrue(show.output.contains("status: blocked"), show.output)
    XCTAssertTrue(show.output.contains("now: refused (blocked_id)"), show.output)
    XCTAssertTrue(show.output.contains("blocked by guard-7"), show.output)
    let unblock = try CLI.run(["directory", "unblock", "E1002", "--database", database])
    XCTAssertEqual(unblock.output, "E1002 unblocked\n", unblock.errors)
    let unknown = try CLI.run(["directory", "block", "E9999", "--database", database])
    XCTAssertEqual(unknown.status, 1)
    XCTAssertTrue(unknown.errors.contains("the staff directory has no work ID E9999"), unknown.errors)
  }

  func testHashedIDsUnderTheConfigurationAreShownByThePlainID() throws {
    let config = try file("gate.yaml", "person_ids: {mode: hashed, key_env: DIRECTORY_TEST_KEY}\n")
    setenv("DIRECTORY_TEST_KEY", "directory-key-0123456789", 1)
    defer { unsetenv("DIRECTORY_TEST_KEY") }
    let staff = try file("staff.csv", "\(header)\nE1001,Zhang Wei,Lab,,,,\n")
    let run = try CLI.run(["directory", "import", staff, "--config", config, "--database", database])
    XCTAssertEqual(run.status, 0, run.errors)
    let list = try CLI.run(["directory", "list", "--database", database, "--json"])
    let row = try XCTUnwrap(try CLI.jsonLines(list.output).first)
    XCTAssertTrue((row["work_id"] as? String)?.hasPrefix("h:") == true, list.output)
    XCTAssertTrue(row["name"] is NSNull, list.output)
    let show = try CLI.run(["directory", "show", "E1001", "--config", config, "--database", database])
    XCTAssertEqual(show.status, 0, show.errors)
    XCTAssertTrue(show.output.contains("department: Lab"), show.output)
    let plain = try CLI.run(["directory", "show", "E1001", "--database", database])
    XCTAssertEqual(plain.status, 1, "without the key the plain ID is not in the directory")
  }

  func testAVisitorPassIsIssuedWithATenDigitCodeAndListed() throws {
    let run = try CLI.run([
      "visitor", "issue", "--name", "Li Lei", "--host", "Zhang Wei", "--hours", "4", "--phone", "13812345678",
      "--by", "guard-7", "--database", database,
    ])
    XCTAssertEqual(run.status, 0, run.errors)
    let match = try XCTUnwrap(
      run.output.firstMatch(of: /^visitor pass (\d{10}) for Li Lei, visiting Zhang Wei, valid until (\S+)\n$/),
      run.output)
    let code = String(match.1)
    let list = try CLI.run(["visitor", "list", "--database", database])
    XCTAssertTrue(list.output.hasPrefix("\(code)  Li Lei  host Zhang Wei  138****5678  from "), list.output)
    XCTAssertFalse(list.output.contains("13812345678"))
    let tooLong = try CLI.run([
      "visitor", "issue", "--name", "V", "--host", "H", "--hours", "200", "--database", database,
    ])
    XCTAssertNotEqual(tooLong.status, 0)
    XCTAssertTrue(tooLong.errors.contains("--hours must be above 0 and at most 168"), tooLong.errors)
  }
}
