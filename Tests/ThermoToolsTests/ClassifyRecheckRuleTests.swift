import Testing
import ThermoConfiguration
import ThermoCore
import ThermoTools

/// `classify` settles a re-check as the gateway does: on the mean of both body estimates.
@Suite struct ClassifyRecheckRuleTests {
  func row(_ time: Double, _ objectC: Double, person: String) -> ReadingRow {
    ReadingRow(line: Int(time), entrance: "gate", time: time, objectC: objectC, ambientC: 22, person: person)
  }

  @Test func twoScreeningsConfirmOnlyWhenTheirMeanReachesTheConfirmLevel() throws {
    var runner = ClassifyRunner(mode: .screenings)
    // Under the built-in model at 22 °C: 35.7 → 37.31 (elevated), 35.8 → 37.37.
    var lines: [String] = []
    for (time, objectC, person) in [(0.0, 35.7, "P1"), (60, 35.8, "P2"), (120, 35.7, "P1"), (180, 35.8, "P2")] {
      lines += try runner.process(row(time, objectC, person: person))
    }
    #expect(lines.count == 4)
    #expect(lines[0].contains(#""class":"elevated""#) && lines[0].contains(#""role":"opened""#))
    // P1 is elevated again on its own, but the mean 37.31 is below 37.35: cleared.
    #expect(lines[2].contains(#""class":"normal""#))
    #expect(lines[2].contains(#""reason":"recheck_cleared""#))
    #expect(lines[2].contains(#""role":"cleared""#))
    #expect(lines[2].contains(#""mean_body_c":37.31"#) && lines[2].contains(#""confirm_c":37.35"#), "\(lines[2])")
    #expect(!lines[0].contains("mean_body_c"), "an opening has no mean yet")
    #expect(lines[3].contains(#""class":"fever""#))
    #expect(lines[3].contains(#""reason":"confirmed_by_recheck""#))
    #expect(lines[3].contains(#""role":"confirmed""#))
    #expect(runner.openRechecks == 0)
  }

  @Test func theConfigurationsConfirmOffsetApplies() throws {
    let settings = try ScreeningSettings.parse(
      "screening:\n  threshold: {confirm_offset_c: 0.0}\n", file: "gate.yaml")
    var runner = ClassifyRunner(settings: settings, mode: .screenings)
    _ = try runner.process(row(0, 35.7, person: "P1"))
    let second = try runner.process(row(60, 35.7, person: "P1"))
    // At offset 0 the mean 37.31 reaches the alarm level 37.3 itself.
    #expect(second.first?.contains(#""class":"fever""#) == true)
  }
}
