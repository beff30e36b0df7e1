import Foundation
import Testing

/// `thermogate on-call` through the built binary, on a configuration with a CSV roster.
@Suite struct OnCallCommandTests {
  static let configuration = """
    site: hq
    state_directory: state
    time_zone: Asia/Shanghai
    sinks:
      - {name: gate, type: gate}
      - {name: wang-mail, type: log}
      - {name: li-mail, type: log}
      - {name: office, type: log}
    routes:
      - {kinds: [fever], sinks: [gate, on_call]}
    on_call_file: roster.csv
    duty_office: [office]
    on_call_ack_deadline_s: 90

    """

  func run(roster: String, _ arguments: [String]) throws -> CLI.Run {
    let directory = NSTemporaryDirectory() + "thermogate-oncall-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try Self.configuration.write(toFile: "\(directory)/gate.yaml", atomically: true, encoding: .utf8)
    try roster.write(toFile: "\(directory)/roster.csv", atomically: true, encoding: .utf8)
    return try CLI.run(["on-call", "--config", "\(directory)/gate.yaml"] + arguments)
  }

  static let roster = """
    name,channels,weekdays,from,to,backup
    Dr Wang,wang-mail,mon-fri,08:00,20:00,Dr Li
    Dr Li,li-mail,mon-fri,20:00,08:00,Dr Wang

    """

  @Test func aFridayNightCallsTheNightDoctorThenTheDayDoctorThenTheOffice() throws {
    let run = try run(roster: Self.roster, ["--at", "2026-12-04T21:00"])
    #expect(run.status == 0, "\(run.errors)")
    #expect(
      run.output == """
        at 2026-12-04T21:00:00+0800 (Asia/Shanghai)
        on call: Dr Li (li-mail)
        a fever calls, each after 90 s unacknowledged:
          1. Dr Li (primary): li-mail
          2. Dr Wang (backup): wang-mail
          3. the duty office: office
        next change: 2026-12-05T08:00:00+0800: nobody (the duty office)
        warning: nobody is on call sat 08:00–mon 08:00 (48 h a week, Asia/Shanghai): fevers then go straight to \
        the duty office (office)
        roster (Asia/Shanghai; the first listed wins where shifts overlap):
          Dr Wang: mon-fri 08:00–20:00, backup Dr Li: wang-mail
          Dr Li: mon-fri 20:00–08:00, backup Dr Wang: li-mail

        """)
  }

  @Test func aBadRosterOrTimeIsRefusedWithWhereAndWhy() throws {
    let badRoster = try run(
      roster: Self.roster.replacingOccurrences(of: "mon-fri,20:00", with: "mon-fry,20:00"), [])
    #expect(badRoster.status == 1)
    #expect(
      badRoster.errors.contains("roster.csv:3: field weekdays: 'mon-fry' is not a weekday"), "\(badRoster.errors)")
    #expect(badRoster.output.isEmpty)
    let badTime = try run(roster: Self.roster, ["--at", "Friday night"])
    #expect(badTime.status != 0)
    #expect(badTime.errors.contains("--at 'Friday night' is not a time"))
  }
}
