import Foundation
import ThermoCore
import ThermoStore
import XCTest

/// `body-model fit --register`: the site's own clinical readings paired with their screenings.
final class RegisterBodyModelTests: XCTestCase {
  private var directory = ""

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-fit-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// `count` people referred at rooms of 20–26 °C, each then read orally: oral = 14.5 + 0.65·skin
  /// − 0.05·ambient + a small deterministic scatter.
  private func register(pairs count: Int) throws -> String {
    let path = "\(directory)/state-\(count).sqlite"
    let store = try AlertStore(path: path)
    for index in 0..<count {
      let skin = 35.0 + Double(index % 12) * 0.25
      let ambient = 20.0 + Double(index % 7)
      let oral = 14.5 + 0.65 * skin - 0.05 * ambient + (index.isMultiple(of: 2) ? 0.05 : -0.05)
      let decision = Decision(
        time: Double(1000 + index * 60), screeningClass: .elevated, reason: .atOrAboveThreshold, person: "E\(index)",
        rawObjectC: skin, skinC: skin, ambientC: ambient, bodyC: 37.5, thresholdC: 37.3, thresholdSource: .fixed,
        baselineC: nil, guardBandC: 0.1, calibrationID: "c", bodyModelVersion: "m",
        recheck: RecheckLink(id: index + 1, role: .opened, openedAt: 0, deadline: 600), sampleCount: 5)
      try store.register([RegisterEntry(decision: decision, entrance: "north", device: "d", policy: .plain)])
      let caseID = try XCTUnwrap(try store.secondaryCases(statuses: [.waiting]).last?.id)
      _ = try store.recordClinicalReading(
        caseID: caseID, method: .oral, valueC: oral, by: "Nurse Wu", device: nil, at: Double(1030 + index * 60),
        thresholds: .default, passValidity: 900)
    }
    return path
  }

  func testEnoughPairsFitTheSitesModel() throws {
    let database = try register(pairs: 84)
    let model = "\(directory)/model.yaml"
    let run = try CLI.run([
      "body-model", "fit", "--register", "--database", database, "--json", "--write", model,
    ])
    XCTAssertEqual(run.status, 0, run.errors)
    XCTAssertFalse(run.errors.contains("warning"), run.errors)
    let fit = try XCTUnwrap(try CLI.jsonLines(run.output).first)
    XCTAssertEqual(fit["skin_coefficient"] as? Double ?? 0, 0.65, accuracy: 0.02)
    XCTAssertEqual(fit["ambient_coefficient"] as? Double ?? 0, -0.05, accuracy: 0.02)
    XCTAssertEqual(fit["version"] as? String, "register-oral-fit")
    XCTAssertEqual((fit["fit"] as? [String: Any])?["observations"] as? Int, 84)
    XCTAssertTrue(FileManager.default.fileExists(atPath: model))
  }

  func testTooFewPairsAreSaidAndNotWritten() throws {
    let database = try register(pairs: 12)
    let model = "\(directory)/model.yaml"
    let run = try CLI.run(["body-model", "fit", "--register", "--database", database, "--write", model])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(run.errors.contains("too few pairs to trust it: 12 oral reading(s)"), run.errors)
    XCTAssertTrue(run.errors.contains("nothing was written"), run.errors)
    XCTAssertFalse(FileManager.default.fileExists(atPath: model))
    let printed = try CLI.run(["body-model", "fit", "--register", "--database", database])
    XCTAssertEqual(printed.status, 0, "the fit is shown, with the warning")
    XCTAssertTrue(printed.output.contains("12 observations"), printed.output)
    let axillary = try CLI.run(["body-model", "fit", "--register", "--database", database, "--method", "axillary"])
    XCTAssertEqual(axillary.status, 1)
    XCTAssertTrue(axillary.errors.contains("at least 4"), axillary.errors)
    let both = try CLI.run(["body-model", "fit", "--register", "--cohort", "x.csv", "--database", database])
    XCTAssertNotEqual(both.status, 0)
  }
}
