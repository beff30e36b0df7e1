import Testing
import ThermoCore
import ThermoGateway

@Suite struct ClassifyRunnerTests {
  func row(_ time: Double, _ objectC: Double, entrance: String = "north", person: String? = nil) -> ReadingRow {
    ReadingRow(line: Int(time * 10), entrance: entrance, time: time, objectC: objectC, ambientC: 22, person: person)
  }

  @Test func entrancesAreIndependentAndDecisionsAreJSON() {
    var runner = ClassifyRunner()
    var lines: [String] = []
    for step in 0..<6 {
      let t = Double(step) * 0.1
      lines += runner.process(row(t, step < 3 ? 35.5 : 22.3, entrance: "north", person: step == 0 ? "W-1" : nil))
      lines += runner.process(row(t, step < 2 ? 36.0 : 22.3, entrance: "south"))
    }
    #expect(lines.count == 1)
    #expect(
      lines[0].hasPrefix(#"{"event":"screening","entrance":"north","time":"1970-01-01T00:00:00.200Z","person":"W-1""#))
    #expect(lines[0].contains(#""class":"normal","reason":"below_threshold","raw_c":35.5"#))
    #expect(lines[0].contains(#""threshold_c":37.3,"threshold_source":"fixed""#))
    #expect(
      lines[0].contains(
        #""calibration_id":"uncalibrated","body_model":"forehead-max-linear-v1","recheck":null,"samples":3,"line":2}"#))
  }

  @Test func screeningsModeAndExpiredRechecks() {
    var runner = ClassifyRunner(mode: .screenings)
    let first = runner.process(row(0, 37.6, person: "W-1"))
    #expect(first.count == 1)
    #expect(first[0].contains(#""class":"elevated""#))
    #expect(first[0].contains(#""recheck":{"id":1,"role":"opened""#))
    let later = runner.process(row(700, 35.4, person: "W-2"))
    #expect(later.count == 2)
    #expect(
      later[0].hasPrefix(
        #"{"event":"recheck_expired","entrance":"north","time":"1970-01-01T00:10:00.000Z","person":"W-1","recheck_id":1"#
      ))
  }

  @Test func anUnfinishedPassAtTheEndOfInputIsARetry() {
    var runner = ClassifyRunner()
    _ = runner.process(row(0.0, 33.0))
    _ = runner.process(row(0.1, 34.0))
    _ = runner.process(row(0.2, 35.0))
    let end = runner.finish()
    #expect(end.count == 1)
    #expect(end[0].contains(#""class":"retry","reason":"unstable_reading""#))
  }
}

@Suite struct ClassifyRunnerSummaryTests {
  @Test func theSummaryCountsClassesExpiriesAndOpenRechecks() {
    var runner = ClassifyRunner(mode: .screenings)
    let rows = [(0.0, 37.6, "A"), (10, 35.0, "B"), (20, 37.7, "C"), (700, 35.0, "D"), (710, 31.0, "E")]
    for (time, objectC, person) in rows {
      _ = runner.process(
        ReadingRow(line: 1, entrance: "gate", time: time, objectC: objectC, ambientC: 22, person: person))
    }
    #expect(runner.classCounts == [.elevated: 2, .normal: 2, .retry: 1])
    #expect(runner.expiredRechecks == 2)
    #expect(
      runner.summary
        == "5 screening(s) at 1 entrance(s): retry 1, normal 2, elevated 2; re-checks expired 2, still open 0")
  }
}
