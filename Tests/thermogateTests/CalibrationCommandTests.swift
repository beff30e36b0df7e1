import Foundation
import XCTest

/// The calibration flow end to end against a simulated thermometer facing a simulated blackbody
/// whose true offset and gain the test sets.
final class CalibrationCommandTests: XCTestCase {
  private var database = ""

  override func setUpWithError() throws {
    database = NSTemporaryDirectory() + "thermogate-calibration-\(UUID().uuidString)/state.sqlite"
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: (database as NSString).deletingLastPathComponent)
  }

  private func calibrate(_ device: String, points: [Double], extra: [String] = [], input: String? = nil) throws
    -> CLI.Run
  {
    var arguments = ["calibrate", device]
    for point in points { arguments += ["--point", String(point)] }
    arguments += [
      "--samples", "20", "--interval", "0", "--reference-id", "BB-7", "--reference-uncertainty", "0.05",
      "--technician", "Ana Lima", "--database", database,
    ]
    if input == nil { arguments.append("--yes") }
    return try CLI.run(arguments + extra, input: input)
  }

  private func show(_ device: String) throws -> [String: Any] {
    let run = try CLI.run(["calibration", "show", device, "--database", database])
    XCTAssertEqual(run.status, 0, run.errors)
    return try XCTUnwrap(CLI.jsonLines(run.output).first)
  }

  func testTwoPointsRecoverTheSimulatorsOffsetAndGainAndAreRecorded() throws {
    let device = "sim:mlx90614?blackbody=true&offset=0.3&gain=1.01&noise=0.02&seed=3"
    let run = try calibrate(device, points: [35, 37, 39], extra: ["--ambient-c", "23.5", "--distance-cm", "3"])
    XCTAssertEqual(run.status, 0, run.output + run.errors)
    XCTAssertTrue(run.output.contains("ACCEPTED"), run.output)
    XCTAssertTrue(run.output.contains("expanded uncertainty U ="), run.output)
    XCTAssertTrue(run.errors.contains("[####################] 20/20"), "a progress bar per point")

    let record = try show(device)
    let gain = try XCTUnwrap(record["gain"] as? Double)
    let offset = try XCTUnwrap(record["offset_c"] as? Double)
    XCTAssertEqual(gain, 1.01, accuracy: 0.01)
    XCTAssertEqual(offset, 0.3, accuracy: 0.3)
    XCTAssertEqual(gain * (37 - 0.3) / 1.01 + offset, 37, accuracy: 0.05, "a corrected reading at 37 °C")
    XCTAssertEqual(record["outcome"] as? String, "accepted")
    XCTAssertEqual(record["technician"] as? String, "Ana Lima")
    XCTAssertEqual(record["reference_id"] as? String, "BB-7")
    XCTAssertEqual(record["ambient_c"] as? Double, 23.5)
    XCTAssertNotNil(record["next_due"] as? String)
    let points = try XCTUnwrap(record["points"] as? [[String: Any]])
    XCTAssertEqual(points.count, 3)
    XCTAssertEqual((points[0]["readings"] as? [Double])?.count, 20, "every raw reading is kept")
    XCTAssertEqual(try XCTUnwrap(points[0]["as_found_error_c"] as? Double), (35 - 0.3) / 1.01 - 35, accuracy: 0.05)

    // The field drift check then passes with the correction in force, and is logged.
    let check = try CLI.run([
      "calibration", "check", device, "--point", "35", "--samples", "10", "--interval", "0", "--reference-id", "BB-7",
      "--reference-uncertainty", "0.05", "--technician", "Ana Lima", "--yes", "--database", database,
    ])
    XCTAssertEqual(check.status, 0, check.output + check.errors)
    XCTAssertTrue(check.output.contains("PASS"))
    let history = try CLI.run(["calibration", "history", device, "--database", database])
    XCTAssertEqual(history.output.split(separator: "\n").count, 2, history.output)

    // A recalibration records the first one's correction as its as-found state.
    let again = try calibrate(device, points: [35, 39])
    XCTAssertEqual(again.status, 0, again.errors)
    let second = try show(device)
    XCTAssertEqual(try XCTUnwrap(second["as_found_gain"] as? Double), gain, accuracy: 1e-4)
    XCTAssertEqual(second["as_found_calibration_id"] as? String, record["calibration_id"] as? String)

    let export = try CLI.run(["calibration", "export", "--database", database])
    XCTAssertEqual(export.output.split(separator: "\n").count, 4, "header + three records")
  }

  func testAGainOutOfBoundsMarksTheDeviceOutOfService() throws {
    let device = "sim:mlx90614?blackbody=true&offset=0&gain=1.08"
    let run = try calibrate(device, points: [35, 39])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(run.output.contains("OUT OF SERVICE"), run.output)
    XCTAssertTrue(run.output.contains("gain 1.08"), run.output)
    let list = try CLI.run(["calibration", "list", "--database", database])
    XCTAssertTrue(list.output.contains("OUT OF SERVICE"), list.output)
  }

  func testRefusalsRecordNothing() throws {
    let device = "sim:mlx90614?blackbody=true"
    let uncertain = try calibrate(device, points: [35], extra: ["--reference-uncertainty", "0.2"])
    XCTAssertEqual(uncertain.status, 2)
    XCTAssertTrue(uncertain.errors.contains("exceeds a third of the class"), uncertain.errors)
    let expired = try calibrate(device, points: [35], extra: ["--reference-due", "2020-01-31"])
    XCTAssertEqual(expired.status, 2)
    XCTAssertTrue(expired.errors.contains("certificate expired on 2020-01-31"), expired.errors)
    let unstable = try calibrate("sim:mlx90614?blackbody=true&noise=0.5", points: [35])
    XCTAssertEqual(unstable.status, 1)
    XCTAssertTrue(unstable.errors.contains("is not stable"), unstable.errors)
    let aborted = try calibrate(device, points: [35, 39], input: "\nq\n")
    XCTAssertEqual(aborted.status, 1)
    XCTAssertTrue(aborted.errors.contains("Set the blackbody to 39.00 °C"), aborted.errors)
    XCTAssertTrue(aborted.errors.contains("aborted; nothing recorded"))
    let export = try CLI.run(["calibration", "export", "--format", "jsonl", "--database", database])
    XCTAssertEqual(export.output, "", "no record from a refused or aborted calibration")
  }

  func testInteractiveRunAsksAtEachSetPoint() throws {
    let run = try calibrate("sim:mlx90614?blackbody=true&offset=0.2", points: [35, 39], input: "\n\n")
    XCTAssertEqual(run.status, 0, run.errors)
    XCTAssertTrue(run.errors.contains("Set the blackbody to 35.00 °C"))
    XCTAssertTrue(run.errors.contains("Set the blackbody to 39.00 °C"))
  }
}
