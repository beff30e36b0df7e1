import Foundation
import XCTest

/// Runs the built `thermogate` binary the way a technician would.
final class ClassifyCommandTests: XCTestCase {
  func run(_ arguments: [String], input: String? = nil) throws -> CLI.Run {
    try CLI.run(arguments, input: input)
  }

  func decisions(_ output: String) throws -> [[String: Any]] {
    try CLI.jsonLines(output)
  }

  func testTheBundledExampleTellsItsStory() throws {
    let example = CLI.packageRoot.appendingPathComponent("examples/samples.csv").path
    let result = try run(["classify", example])
    XCTAssertEqual(result.status, 0, result.errors)
    let rows = try decisions(result.output)
    let classes = rows.map { "\($0["entrance"]!):\($0["person"] as? String ?? "-"):\($0["class"]!)" }
    XCTAssertEqual(
      classes,
      [
        "north:W-1001:normal", "south:W-2001:normal", "north:W-1002:normal", "south:W-2002:elevated",
        "north:W-1003:elevated", "south:W-2003:normal", "north:W-1004:normal", "south:W-2002:normal",
        "north:W-1003:fever", "south:W-2004:normal", "south:-:fault", "north:W-1006:retry", "north:-:normal",
      ])
    XCTAssertEqual(rows[7]["reason"] as? String, "recheck_cleared")
    XCTAssertEqual(rows[10]["reason"] as? String, "sensor_error_flag")
    XCTAssertEqual(rows[11]["reason"] as? String, "skin_too_cold")
    for row in rows {
      for key in ["entrance", "time", "raw_c", "ambient_c", "body_c", "class", "threshold_c", "reason"] {
        XCTAssertTrue(row.keys.contains(key), "missing \(key) in \(row)")
      }
    }
  }

  func testBadRowsAreNamedTheRestProcessedAndTheExitStatusSaysSo() throws {
    let input = """
      entrance,time,object_c,ambient_c,person
      gate,0.0,36.1,22,W-5
      gate,0.1,36.1,2x,
      gate,0.1,36.12,22,
      gate,0.2,36.14,22,
      """
    let result = try run(["classify", "-"], input: input)
    XCTAssertEqual(result.status, 3)
    XCTAssertTrue(
      result.errors.contains("<stdin>:3: field 'ambient_c': '2x' is not a temperature in °C"), result.errors)
    let rows = try decisions(result.output)
    XCTAssertEqual(rows.count, 1)
    XCTAssertEqual(rows.first?["person"] as? String, "W-5")
    XCTAssertEqual(rows.first?["line"] as? Int, 5)
  }

  func testScreeningsModeWithAConfiguration() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = directory.appendingPathComponent("gate.yaml")
    try """
    screening:
      threshold: {fixed_c: 38.0, guard_band_c: 0.0}
    devices:
      - id: d1
        calibration: {id: cal-1, offset_c: 0.5}
    """.write(to: config, atomically: true, encoding: .utf8)
    let input = #"{"entrance":"e","time":0,"object_c":36.0,"ambient_c":22,"device":"d1"}"#
    let result = try run(["classify", "--mode", "screenings", "--config", config.path], input: input)
    XCTAssertEqual(result.status, 0, result.errors)
    let row = try XCTUnwrap(try decisions(result.output).first)
    XCTAssertEqual(row["threshold_c"] as? Double, 38.0)
    XCTAssertEqual(row["calibration_id"] as? String, "cal-1")
    XCTAssertEqual(row["skin_c"] as? Double, 36.5)
  }

  func testAnInvalidConfigurationIsRefusedWithItsLocation() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let config = directory.appendingPathComponent("gate.yaml")
    try "screening:\n  threshold: {fixed_c: 42}\n".write(to: config, atomically: true, encoding: .utf8)
    let result = try run(["classify", "--config", config.path], input: "")
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(
      result.errors.contains("gate.yaml:2:24: screening.threshold.fixed_c must be 34.0–39.0 °C"), result.errors)
  }

  func testBodyModelFitWritesAModelThatClassifyCanUse() throws {
    let cohort = CLI.packageRoot.appendingPathComponent("Tests/ThermoToolsTests/Fixtures/flir-group1.csv").path
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-fit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let model = directory.appendingPathComponent("model.yaml")
    let fit = try run([
      "body-model", "fit", "--cohort", cohort, "--json", "--write", model.path, "--model-version", "site-a-v1",
    ])
    XCTAssertEqual(fit.status, 0, fit.errors)
    let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(fit.output.utf8)) as? [String: Any])
    let stats = try XCTUnwrap(summary["fit"] as? [String: Any])
    XCTAssertEqual(stats["observations"] as? Int, 2139)
    XCTAssertEqual(try XCTUnwrap(summary["skin_coefficient"] as? Double), 0.617062, accuracy: 1e-6)
    let config = directory.appendingPathComponent("gate.yaml")
    try "screening:\n  body_model: model.yaml\n".write(to: config, atomically: true, encoding: .utf8)
    let input = #"{"entrance":"e","time":0,"object_c":35.3,"ambient_c":22}"#
    let result = try run(["classify", "--mode", "screenings", "--config", config.path], input: input)
    XCTAssertEqual(result.status, 0, result.errors)
    let row = try XCTUnwrap(try decisions(result.output).first)
    XCTAssertEqual(row["body_model"] as? String, "site-a-v1")
  }

  func testUnusableFilesAndOptionsAreRefusedWithoutPartialResults() throws {
    let missing = try run(["classify", "/nonexistent/samples.csv"])
    XCTAssertEqual(missing.status, 1)
    XCTAssertEqual(missing.errors, "error: /nonexistent/samples.csv: cannot read the input file\n")
    let cohort = CLI.packageRoot.appendingPathComponent("Tests/ThermoToolsTests/Fixtures/flir-group1.csv").path
    let builtIn = try run(["body-model", "fit", "--cohort", cohort, "--model-version", "forehead-max-linear-v1"])
    XCTAssertEqual(builtIn.status, 64)
    XCTAssertTrue(builtIn.errors.contains("built-in model's name"), builtIn.errors)
    let unwritable = try run(["body-model", "fit", "--cohort", cohort, "--write", "/nonexistent/dir/model.yaml"])
    XCTAssertEqual(unwritable.status, 1)
    XCTAssertEqual(unwritable.output, "", "nothing is reported as fitted when the model could not be written")
    XCTAssertTrue(unwritable.errors.hasPrefix("error: cannot write '/nonexistent/dir/model.yaml'"), unwritable.errors)
  }
}

extension ClassifyCommandTests {
  /// The bundled example against the bundled directory: every screening line carries the
  /// decision an access-mode entrance gives, with its reason.
  func testADirectoryGivesEveryScreeningItsAccessDecision() throws {
    let example = CLI.packageRoot.appendingPathComponent("examples/samples.csv").path
    let staff = CLI.packageRoot.appendingPathComponent("examples/staff.csv").path
    let result = try run(["classify", example, "--directory", staff])
    XCTAssertEqual(result.status, 0, result.errors)
    let rows = try decisions(result.output).filter { $0["event"] as? String == "screening" }
    let access = rows.map { row -> String in
      let decision = row["access"] as? [String: Any]
      return
        "\(row["person"] as? String ?? "-"):\(decision?["outcome"] as? String ?? "?")/\(decision?["reason"] as? String ?? "?")"
    }
    XCTAssertEqual(
      access,
      [
        "W-1001:granted/normal", "W-2001:denied/expired_id", "W-1002:denied/blocked_id", "W-2002:denied/elevated",
        "W-1003:denied/elevated", "W-2003:granted/normal", "W-1004:denied/unknown_id", "W-2002:granted/normal",
        "W-1003:denied/fever", "W-2004:granted/normal", "-:denied/device_fault", "W-1006:denied/retry",
        "-:denied/no_id",
      ])
    XCTAssertTrue(result.errors.contains("access: denied/blocked_id 1"), result.errors)
  }

  func testABadDirectoryIsNamedByLineAndFieldAndNothingIsClassified() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-dir-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let staff = directory.appendingPathComponent("staff.csv")
    try """
    work_id,name,department,role,valid_from,valid_until,status
    W-1,A,X,staff,,,active
    W-1,B,X,staff,,,active
    W-2,C,X,staff,,2026-13-01,active
    """.write(to: staff, atomically: true, encoding: .utf8)
    let example = CLI.packageRoot.appendingPathComponent("examples/samples.csv").path
    let result = try run(["classify", example, "--directory", staff.path])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.errors.contains("staff.csv:3: field work_id"), result.errors)
    XCTAssertTrue(result.errors.contains("staff.csv:4: field valid_until"), result.errors)
    XCTAssertEqual(result.output, "")
  }
}
