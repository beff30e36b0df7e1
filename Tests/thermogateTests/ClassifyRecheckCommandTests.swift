import Foundation
import XCTest

/// `thermogate classify` and `body-model assess-recheck` apply the gateway's re-check rule.
final class ClassifyRecheckCommandTests: XCTestCase {
  func testTwoScreeningsOfOnePersonAreSettledOnTheirMean() throws {
    // Built-in model at 22 °C: 35.7 → body 37.31, 36.0 → 37.50; confirm level 37.35.
    let input = """
      entrance,time,object_c,ambient_c,person
      gate,0,35.7,22,P1
      gate,30,35.7,22,P2
      gate,60,35.7,22,P1
      gate,90,36.0,22,P2
      """
    let result = try CLI.run(["classify", "--mode", "screenings", "-"], input: input)
    XCTAssertEqual(result.status, 0, result.errors)
    let rows = try CLI.jsonLines(result.output)
    XCTAssertEqual(rows.map { $0["class"] as? String }, ["elevated", "elevated", "normal", "fever"])
    XCTAssertEqual(rows[2]["reason"] as? String, "recheck_cleared")
    XCTAssertEqual((rows[2]["recheck"] as? [String: Any])?["role"] as? String, "cleared")
    XCTAssertEqual(rows[3]["reason"] as? String, "confirmed_by_recheck")
    XCTAssertEqual((rows[3]["recheck"] as? [String: Any])?["role"] as? String, "confirmed")
  }

  func testAssessRecheckPrintsTheRuleOnTheCohortAndItsGrid() throws {
    let fixtures = CLI.packageRoot.appendingPathComponent("Tests/ThermoToolsTests/Fixtures")
    let ici = fixtures.appendingPathComponent("ici-group1.csv").path
    let flir = fixtures.appendingPathComponent("flir-group1.csv").path
    let result = try CLI.run(["body-model", "assess-recheck", "--cohort", ici, "--fit", flir, "--json"])
    XCTAssertEqual(result.status, 0, result.errors)
    let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
    XCTAssertEqual(summary["refer_c"] as? Double, 37.25)
    XCTAssertEqual(summary["confirm_c"] as? Double, 37.35)
    XCTAssertEqual(summary["people"] as? Int, 539)
    XCTAssertLessThanOrEqual(try XCTUnwrap(summary["confirmed_false_alarm_share"] as? Double), 0.03)
    XCTAssertGreaterThanOrEqual(try XCTUnwrap(summary["recheck_sensitivity"] as? Double), 0.60)

    let grid = try CLI.run(["body-model", "assess-recheck", "--cohort", ici, "--grid"])
    XCTAssertEqual(grid.status, 0, grid.errors)
    let lines = grid.output.split(separator: "\n")
    XCTAssertEqual(lines.count, 2 + 25, grid.output)
    XCTAssertEqual(lines.filter { $0.contains("← configured") }.count, 1)
    XCTAssertTrue(lines.contains { $0.hasPrefix("37.25    37.35") && $0.contains("← configured") }, grid.output)
  }

  func testAssessRecheckRefusesALevelThePolicyCannotTake() throws {
    let ici = CLI.packageRoot.appendingPathComponent("Tests/ThermoToolsTests/Fixtures/ici-group1.csv").path
    let result = try CLI.run(["body-model", "assess-recheck", "--cohort", ici, "--confirm-c", "37.33"])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.errors.contains("--confirm-c sets confirm_offset_c"), result.errors)
    XCTAssertTrue(result.errors.contains("0.05 °C steps"), result.errors)
  }
}
