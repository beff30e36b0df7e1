import Testing
import ThermoConfiguration
import ThermoCore
import ThermoTools

/// Badges, pauses and device changes in `classify` samples mode, as found by the fourth review.
@Suite struct ClassifyRunnerBadgeTests {
  func row(
    _ time: Double, _ objectC: Double, entrance: String = "gate", person: String? = nil, device: String? = nil
  ) -> ReadingRow {
    ReadingRow(line: 1, entrance: entrance, time: time, objectC: objectC, ambientC: 22, person: person, device: device)
  }
  func field(_ line: String, _ name: String) -> String {
    guard let r = line.range(of: "\"\(name)\":") else { return "?" }
    return String(line[r.upperBound...].prefix { $0 != "," })
  }

  // R1: alternating tagged/untagged rows: a tag repeated in the screened phase becomes the next pass's badge.
  @Test func alternatingTagsLandOnStranger() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    let rows: [(Double, Double, String?)] = [
      (0.0, 37.6, "A"), (0.1, 37.6, nil), (0.2, 37.6, "A"), (0.3, 37.6, nil), (0.4, 37.6, "A"),
      (0.5, 22.3, nil), (0.6, 22.3, nil), (0.7, 22.3, nil),
      (5.0, 37.6, nil), (5.1, 37.6, nil), (5.2, 37.6, nil), (5.3, 22.3, nil), (5.4, 22.3, nil),
    ]
    for (t, o, p) in rows { lines += try runner.process(row(t, o, person: p)) }
    #expect(lines.count == 2)
    #expect(field(lines[1], "person") == "null")
    #expect(field(lines[1], "class") == "\"elevated\"")
  }

  // R2: every row tagged A; stream stalls >2 s mid-forming; A's next screening loses its badge.
  @Test func stallMidFormingDropsBadge() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    for (t, o) in [(0.0, 22.3), (0.1, 35.0), (0.2, 36.0), (0.3, 35.0), (3.0, 35.5), (3.1, 35.5), (3.2, 35.5)] {
      lines += try runner.process(row(t, o, person: "A"))
    }
    #expect(lines.count == 2)
    #expect(lines.allSatisfy { field($0, "person") == "\"A\"" })
  }

  // R2b: stalled forming pass of anonymous A, then C's tagged rows: C's tag goes to A's retry.
  @Test func stallMidFormingBadgeGoesToOldPass() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    for (t, o) in [(0.0, 22.3), (0.1, 35.0), (0.2, 36.0), (0.3, 35.0)] { lines += try runner.process(row(t, o)) }
    for (t, o) in [(3.0, 35.5), (3.1, 35.5), (3.2, 35.5)] { lines += try runner.process(row(t, o, person: "C")) }
    #expect(field(lines[0], "person") == "null")
    #expect(field(lines[1], "person") == "\"C\"")
  }

  // R2c: screened pass, pause > 10 s, same person tagged on every row: new pass anonymous.
  @Test func longPauseScreenedDropsBadge() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    for (t, o) in [
      (0.0, 22.3), (0.1, 35.5), (0.2, 35.5), (0.3, 35.5), (0.4, 35.5), (15.0, 35.5), (15.1, 35.5), (15.2, 35.5),
    ] {
      lines += try runner.process(row(t, o, person: "A"))
    }
    #expect(lines.count == 2)
    #expect(lines.allSatisfy { field($0, "person") == "\"A\"" })
  }

  // R3: device change interrupts a forming pass: retry line has old device but new calibration.
  @Test func interruptRetryCarriesOldDevicesCalibration() throws {
    let settings = try ScreeningSettings.parse(
      "devices:\n  - {id: A, calibration: {id: cal-a}}\n  - {id: B, calibration: {id: cal-b}}\n", file: "g.yaml")
    var runner = ClassifyRunner(settings: settings)
    var lines: [String] = []
    for (t, o) in [(0.0, 22.3), (0.25, 35.0), (0.5, 36.0), (0.75, 35.0)] {
      lines += try runner.process(row(t, o, device: "A"))
    }
    lines += try runner.process(row(2.75, 22.3, device: "B"))
    #expect(lines.count == 1)
    #expect(field(lines[0], "device") == "\"A\"")
    #expect(field(lines[0], "calibration_id") == "\"cal-a\"")
  }

  // R4: screenings mode: out-of-order rows of a newly switched device skip its warm-up.
  @Test func outOfOrderRowOfNewDeviceSkipsWarmUp() throws {
    let settings = try ScreeningSettings.parse("devices:\n  - {id: B, warm_up_s: 60}\n", file: "g.yaml")
    var runner = ClassifyRunner(settings: settings, mode: .screenings)
    var lines: [String] = []
    lines += try runner.process(row(0, 36.0, device: "A"))
    lines += try runner.process(row(100, 36.0, device: "B"))
    lines += try runner.process(row(99, 36.0, device: "B"))
    #expect(field(lines[1], "reason") == "\"warming_up\"")
    #expect(field(lines[2], "reason") == "\"warming_up\"")
    // The same rows with B as the entrance's first device: the earliest row starts the warm-up.
    var first = ClassifyRunner(settings: settings, mode: .screenings)
    let alone = try first.process(row(100, 36.0, device: "B")) + first.process(row(99, 36.0, device: "B"))
    #expect(alone.allSatisfy { field($0, "reason") == "\"warming_up\"" })
  }

  // R5: badge on the idle row right before the subject's first (untagged) row.
  @Test func badgeOnIdleRowBeforePass() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    lines += try runner.process(row(0.0, 22.3, person: "A"))
    for (t, o) in [(0.1, 35.5), (0.2, 35.5), (0.3, 35.5)] { lines += try runner.process(row(t, o)) }
    #expect(field(lines[0], "person") == "\"A\"")
  }

  @Test func finishSummary() throws {
    var runner = ClassifyRunner(mode: .screenings)
    _ = try runner.process(row(0, 37.8, entrance: "a", person: "A"))
    _ = try runner.process(row(0, 37.8, entrance: "b"))
    _ = try runner.process(row(600, 35.0, entrance: "c"))
    _ = try runner.process(row(601, 35.0, entrance: "c"))
    let end = runner.finish()
    #expect(end.count == 2)
    #expect(runner.openRechecks == 0)
  }

  // A tag on the empty-scene row where an unstable reading is still ending belongs to the next
  // subject, not to the one leaving.
  @Test func aTagWhileTheLastReadingEndsGoesToTheNextSubject() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    let rows: [(Double, Double, String?)] = [
      (0.0, 34.0, nil), (0.1, 34.6, nil), (0.2, 34.0, nil), (0.3, 34.6, nil), (0.4, 22.5, nil), (0.5, 22.5, "Y"),
      (0.6, 35.0, nil), (0.7, 35.05, nil), (0.8, 35.0, nil), (0.9, 22.5, nil), (1.0, 22.5, nil),
    ]
    for (t, o, p) in rows { lines += try runner.process(row(t, o, person: p)) }
    #expect(lines.count == 2)
    #expect(field(lines[0], "reason") == "\"unstable_reading\"")
    #expect(field(lines[0], "person") == "null")
    #expect(field(lines[1], "person") == "\"Y\"")
  }
}
