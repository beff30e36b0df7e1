import Testing
import ThermoConfiguration
import ThermoCore
import ThermoTools

@Suite struct ClassifyRunnerTests {
  func row(_ time: Double, _ objectC: Double, entrance: String = "north", person: String? = nil) -> ReadingRow {
    ReadingRow(line: Int(time * 10), entrance: entrance, time: time, objectC: objectC, ambientC: 22, person: person)
  }

  @Test func entrancesAreIndependentAndDecisionsAreJSON() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    for step in 0..<6 {
      let t = Double(step) * 0.1
      lines += try runner.process(row(t, step < 3 ? 35.5 : 22.3, entrance: "north", person: step == 0 ? "W-1" : nil))
      lines += try runner.process(row(t, step < 2 ? 36.0 : 22.3, entrance: "south"))
    }
    #expect(lines.count == 1)
    // Keys sorted (the shared wire encoder); every field as it always was.
    for field in [
      #""event":"screening""#, #""entrance":"north""#, #""time":"1970-01-01T00:00:00.200Z""#, #""person":"W-1""#,
      #""class":"normal""#, #""reason":"below_threshold""#, #""raw_c":35.5"#, #""calibration_id":"uncalibrated""#,
      #""body_model":"forehead-max-linear-v1""#, #""recheck":null"#, #""samples":3"#, #""line":2"#,
    ] {
      #expect(lines[0].contains(field), "\(field)")
    }
    #expect(lines[0].contains(#""threshold_c":37.3,"threshold_source":"fixed""#))
  }

  @Test func screeningsModeAndExpiredRechecks() throws {
    var runner = ClassifyRunner(mode: .screenings)
    let first = try runner.process(row(0, 37.6, person: "W-1"))
    #expect(first.count == 1)
    #expect(first[0].contains(#""class":"elevated""#))
    #expect(
      first[0].contains(
        #""recheck":{"deadline":"1970-01-01T00:10:00.000Z","id":1,"opened_at":"1970-01-01T00:00:00.000Z","role":"opened"}"#
      ))
    let later = try runner.process(row(700, 35.4, person: "W-2"))
    #expect(later.count == 2)
    #expect(
      later[0].hasPrefix(
        #"{"event":"recheck_expired","entrance":"north","time":"1970-01-01T00:10:00.000Z","person":"W-1","recheck_id":1"#
      ))
  }

  @Test func anUnfinishedPassAtTheEndOfInputIsARetry() throws {
    var runner = ClassifyRunner()
    _ = try runner.process(row(0.0, 33.0))
    _ = try runner.process(row(0.1, 34.0))
    _ = try runner.process(row(0.2, 35.0))
    let end = runner.finish()
    #expect(end.count == 1)
    #expect(end[0].contains(#""class":"retry""#) && end[0].contains(#""reason":"unstable_reading""#))
  }
}

@Suite struct ClassifyRunnerSummaryTests {
  @Test func theSummaryCountsClassesExpiriesAndOpenRechecks() throws {
    var runner = ClassifyRunner(mode: .screenings)
    let rows = [(0.0, 37.6, "A"), (10, 35.0, "B"), (20, 37.7, "C"), (700, 35.0, "D"), (710, 31.0, "E")]
    for (time, objectC, person) in rows {
      _ = try runner.process(
        ReadingRow(line: 1, entrance: "gate", time: time, objectC: objectC, ambientC: 22, person: person))
    }
    #expect(runner.classCounts == [.elevated: 2, .normal: 2, .retry: 1])
    #expect(runner.expiredRechecks == 2)
    #expect(
      runner.summary
        == "5 screening(s) at 1 entrance(s): retry 1, normal 2, elevated 2; re-checks expired 2, still open 0")
  }
}

@Suite struct ClassifyRunnerStreamTests {
  func row(
    _ time: Double, _ objectC: Double, entrance: String = "gate", person: String? = nil, device: String? = nil
  ) -> ReadingRow {
    ReadingRow(line: 1, entrance: entrance, time: time, objectC: objectC, ambientC: 22, person: person, device: device)
  }

  func classes(_ lines: [String]) -> [String] {
    lines.compactMap { line in
      guard let range = line.range(of: #""class":""#) else { return nil }
      return String(line[range.upperBound...].prefix { $0 != "\"" })
    }
  }

  @Test func aPersonColumnRepeatedOverAPassDoesNotSpillOntoTheNextSubject() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    var time = 0.0
    func pass(_ objectC: Double, person: String?) throws {
      for _ in 0..<5 {
        lines += try runner.process(row(time, objectC, person: person))
        time += 0.1
      }
      for _ in 0..<3 {
        lines += try runner.process(row(time, 22.3))
        time += 0.1
      }
    }
    try pass(37.6, person: "P")
    try pass(37.6, person: nil)
    #expect(classes(lines) == ["elevated", "elevated"])
    #expect(lines[0].contains(#""person":"P""#))
    #expect(lines[1].contains(#""person":null"#))
  }

  @Test func eachDeviceAtAnEntranceUsesItsOwnCalibration() throws {
    let settings = try ScreeningSettings.parse(
      """
      devices:
        - {id: d1, calibration: {id: cal-1, offset_c: 0.5}}
        - {id: d2, calibration: {id: cal-2, offset_c: -0.5}}
      """, file: "gate.yaml")
    var runner = ClassifyRunner(settings: settings, mode: .screenings)
    let lines =
      try runner.process(row(0, 36.0)) + runner.process(row(10, 36.0, device: "d1"))
      + runner.process(row(20, 36.0, device: "d2"))
    #expect(lines[0].contains(#""calibration_id":"uncalibrated""#))
    #expect(lines[1].contains(#""device":"d1""#) && lines[1].contains(#""calibration_id":"cal-1","#))
    #expect(lines[1].contains(#""skin_c":36.5"#))
    #expect(lines[2].contains(#""device":"d2""#) && lines[2].contains(#""calibration_id":"cal-2","#))
    #expect(lines[2].contains(#""skin_c":35.5"#))
  }

  @Test func rechecksExpireByTheirEntrancesRowsAndAllAtTheEndInDeadlineOrder() throws {
    var runner = ClassifyRunner(mode: .screenings)
    _ = try runner.process(row(50, 38.0, entrance: "a", person: "A"))
    _ = try runner.process(row(0, 35.0, entrance: "b"))
    // Another entrance's clock does not expire a's re-check …
    #expect(try runner.process(row(5000, 35.0, entrance: "b")).count == 1)
    _ = try runner.process(row(100, 38.0, entrance: "c", person: "C"))
    // … but a's own later row does.
    let atA = try runner.process(row(700, 35.0, entrance: "a"))
    #expect(atA.first?.contains(#""event":"recheck_expired","entrance":"a""#) == true)
    _ = try runner.process(row(20, 38.0, entrance: "d", person: "D"))
    let end = runner.finish()
    // At the end every window closed before the input's last instant is reported, by deadline.
    #expect(end.count == 2)
    #expect(end[0].contains(#""entrance":"d""#) && end[1].contains(#""entrance":"c""#))
    #expect(runner.expiredRechecks == 3)
    #expect(runner.openRechecks == 0)
  }

  @Test func aFileGroupedByEntranceNeverExpiresARecheckEarly() throws {
    var runner = ClassifyRunner(mode: .screenings)
    var lines: [String] = []
    for (time, objectC, entrance, person) in [
      (0.0, 35.0, "north", nil), (3600, 35.0, "north", nil), (100, 37.8, "south", "S"),
      (110, 35.0, "south", nil), (160, 37.8, "south", "S"),
    ] as [(Double, Double, String, String?)] {
      lines += try runner.process(row(time, objectC, entrance: entrance, person: person))
    }
    #expect(classes(lines) == ["normal", "normal", "elevated", "normal", "fever"])
  }

  @Test func devicesInterleavedAtOneEntranceAreRefusedRowByRow() throws {
    var runner = ClassifyRunner()
    _ = try runner.process(row(0.0, 22.3, device: "A"))
    #expect(throws: InputError.self) { try runner.process(row(0.1, 22.3, device: "B")) }
    do {
      _ = try runner.process(row(0.2, 22.3, device: "B"))
    } catch {
      #expect(error.field == "device")
      #expect(error.message.contains("one entrance reads one thermometer at a time"))
    }
    // A swap after a pause is a device change, not an error.
    #expect(try runner.process(row(10, 22.3, device: "B")).isEmpty)
  }

  @Test func aPersonColumnOnEveryRowLinksTheRecheckAcrossPasses() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    var time = 0.0
    for _ in 0..<2 {
      for objectC in [22.3, 22.3, 37.6, 37.6, 37.6, 37.6, 22.3, 22.3, 22.3] {
        lines += try runner.process(row(time, objectC, person: "P1"))
        time += 0.1
      }
    }
    #expect(classes(lines) == ["elevated", "fever"])
    #expect(lines[1].contains(#""person":"P1""#))
  }

  @Test func aFaultKeepsTheBadgeOfItsPassAndAStrangerAfterwardsGetsNone() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    var time = 0.0
    func rows(_ values: [Double], person: String? = nil, flagged: Bool = false) throws {
      for objectC in values {
        var reading = row(time, objectC, person: person)
        reading.sensorError = flagged
        lines += try runner.process(reading)
        time += 0.1
      }
    }
    try rows([22.3, 37.6, 37.6, 37.6, 22.3, 22.3], person: "P1")  // elevated, re-check opened
    try rows([36.0], person: "P1")
    try rows([36.0, 36.0, 36.0], flagged: true)  // the sensor fails while P1 stands there
    try rows([22.3, 22.3, 22.3, 35.0, 35.0, 35.0, 22.3, 22.3])  // a stranger, no badge
    #expect(classes(lines) == ["elevated", "fault", "normal"])
    #expect(lines[1].contains(#""person":"P1""#))
    #expect(lines[2].contains(#""person":null"#))
    #expect(lines[2].contains(#""reason":"below_threshold""#))
  }

  @Test func aBadgeRepeatedOnTrailingRowsNeverReachesAnUntaggedStranger() throws {
    var runner = ClassifyRunner()
    var lines: [String] = []
    var time = 0.0
    for person in ["P1", nil] as [String?] {
      for objectC in [22.3, 22.3, 37.6, 37.65, 37.6, 37.65, 22.3, 22.3, 22.3] {
        lines += try runner.process(row(time, objectC, person: person))
        time += 0.1
      }
    }
    #expect(classes(lines) == ["elevated", "elevated"])
    #expect(lines[1].contains(#""person":null"#))
  }

  @Test func aDeviceNamedOnlyFromMidPassIsAdoptedWithoutRestarting() throws {
    let settings = try ScreeningSettings.parse(
      "devices:\n  - {id: A, calibration: {id: cal-a, offset_c: 0.1}}\n", file: "g.yaml")
    var runner = ClassifyRunner(settings: settings)
    var lines: [String] = []
    for (index, objectC) in [22.3, 35.0, 35.05, 35.0, 22.3, 22.3].enumerated() {
      lines += try runner.process(row(Double(index) * 0.1, objectC, device: index >= 2 ? "A" : nil))
    }
    #expect(classes(lines) == ["normal"])
    #expect(lines.first?.contains(#""device":"A""#) == true)
    #expect(lines.first?.contains(#""calibration_id":"cal-a""#) == true)
  }
}
