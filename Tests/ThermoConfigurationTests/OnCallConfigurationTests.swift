import Foundation
import Testing
import ThermoConfiguration
import ThermoDispatch

@Suite struct OnCallConfigurationTests {
  static let sinks = """
    sinks:
      - {name: gate, type: gate}
      - {name: log, type: log}
      - {name: wang-mail, type: log}
      - {name: li-mail, type: log}
      - {name: duty, type: log}
    routes:
      - {kinds: [fever], sinks: [gate, log, on_call]}
      - {sinks: [log]}
    """

  static let valid =
    sinks + """

      time_zone: Asia/Shanghai
      on_call:
        - {name: wang, channels: [wang-mail], weekdays: mon-fri, from: "08:00", to: "20:00", backup: li}
        - {name: li, channels: [li-mail], weekdays: [mon, tue, wed, thu, fri], from: "20:00", to: "08:00"}
      duty_office: [duty]
      on_call_ack_deadline_s: 90
      """

  func problems(_ text: String, file: String = "gate.yaml") -> [String] {
    do {
      _ = try GatewayConfiguration.parse(text, file: file)
      return []
    } catch {
      return error.problems.map(\.description)
    }
  }

  /// A configuration directory with the roster CSV beside the YAML.
  func withRosterFile(_ csv: String, _ body: (String) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oncall-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try csv.write(to: directory.appendingPathComponent("roster.csv"), atomically: true, encoding: .utf8)
    let yaml = directory.appendingPathComponent("gate.yaml").path
    try (Self.sinks + "\ntime_zone: Europe/Berlin\non_call_file: roster.csv\nduty_office: [duty]\n").write(
      toFile: yaml, atomically: true, encoding: .utf8)
    try body(yaml)
  }

  @Test func theRosterTheDutyOfficeTheDeadlineAndTheTimeZoneLoad() throws {
    let configuration = try GatewayConfiguration.parse(Self.valid, file: "gate.yaml")
    let plan = try #require(configuration.onCall)
    #expect(configuration.timeZone.identifier == "Asia/Shanghai")
    #expect(plan.timeZone.identifier == "Asia/Shanghai")
    #expect(plan.dutyOffice == ["duty"])
    #expect(plan.acknowledgementDeadline == 90)
    #expect(plan.roster.entries.map(\.name) == ["wang", "li"])
    #expect(plan.roster.entries[1].weekdays == plan.roster.entries[0].weekdays)
    #expect(plan.roster.entries[0].backup == "li")
    #expect(configuration.routes[0].sinks == ["gate", "log", "on_call"])
    // Evenings, nights and weekends: the configuration check warns about the weekend.
    #expect(plan.gapWarning?.contains("sat 08:00–mon 08:00") == true)
  }

  @Test func theRosterFromACSVBesideTheConfiguration() throws {
    let csv = """
      name,channels,weekdays,from,to,backup
      wang,wang-mail,mon-fri,08:00,20:00,li
      li,"li-mail,log",daily,20:00,08:00,
      zhao,duty,,,,

      """
    try withRosterFile(csv) { yaml in
      let configuration = try GatewayConfiguration.load(path: yaml, environment: [:])
      let plan = try #require(configuration.onCall)
      #expect(plan.timeZone.identifier == "Europe/Berlin")
      #expect(plan.roster.entries.map(\.name) == ["wang", "li", "zhao"])
      #expect(plan.roster.entries[1].channels == ["li-mail", "log"])
      #expect(plan.roster.entries[2].weekdays.isEmpty)
      #expect(plan.acknowledgementDeadline == 120)
    }
  }

  @Test func everyCSVProblemIsNamedByLineAndFieldAndNothingIsUsed() throws {
    let csv = """
      name,channels,weekdays,from,to,backup
      wang,wang-mail,mo-fr,08:00,20:00,chen
      li,pager,mon,25:00,08:00,
      zhao,duty,mon,08:00,,
      "broken,duty,mon,08:00,09:00,

      """
    try withRosterFile(csv) { yaml in
      var problems: [String] = []
      do {
        _ = try GatewayConfiguration.load(path: yaml, environment: [:])
      } catch let error as ConfigProblems {
        problems = error.problems.map(\.description)
      }
      let csvPath = (yaml as NSString).deletingLastPathComponent + "/roster.csv"
      let expected = [
        "\(csvPath):2: field weekdays: 'mo-fr' is not a weekday",
        "\(csvPath):2: field backup: no one named 'chen' in the roster",
        "\(csvPath):3: field channels: no sink named 'pager'",
        "\(csvPath):3: field from: '25:00' is not a time of day",
        "\(csvPath):4: field to: is missing",
        "\(csvPath):5: field name: the quote opened here is never closed",
      ]
      for part in expected {
        #expect(problems.contains { $0.contains("on_call_file: \(part)") }, "\(part) in \(problems)")
      }
      #expect(problems.count == expected.count, "\(problems)")
    }
  }

  @Test func aCSVWithTheWrongHeaderIsRefused() throws {
    try withRosterFile("name,channel,days,from,to\nwang,wang-mail,mon,08:00,20:00\n") { yaml in
      #expect(throws: ConfigProblems.self) { try GatewayConfiguration.load(path: yaml, environment: [:]) }
      do {
        _ = try GatewayConfiguration.load(path: yaml, environment: [:])
      } catch let error as ConfigProblems {
        #expect(
          error.problems.map(\.message).contains {
            $0.hasSuffix("roster.csv:1: the header must be exactly name,channels,weekdays,from,to,backup")
          })
      }
    }
  }

  @Test func yamlRosterProblemsNameTheirPath() {
    let text =
      Self.sinks + """

        on_call:
          - {name: wang, channels: [wang-mail, pager], weekdays: [mon, fry], from: "08:00", to: "8pm", backup: wang}
          - {name: wang, channels: [li-mail], weekdays: daily, from: "20:00", to: "08:00"}
        duty_office: [duty, office]
        on_call_ack_deadline_s: 5
        """
    let found = problems(text)
    let expected = [
      "on_call[0].channels: no sink named 'pager'",
      "on_call[0].weekdays: 'fry' is not a weekday",
      "on_call[0].to: '8pm' is not a time of day",
      "on_call[0].backup: wang cannot be their own backup",
      "on_call[1].channels: wang is listed before with channels wang-mail",
      "duty_office: no sink named 'office'",
      "on_call_ack_deadline_s must be between 10.0 and 86400.0, got 5",
    ]
    for part in expected { #expect(found.contains { $0.contains(part) }, "\(part) in \(found)") }
    #expect(found.count == expected.count, "\(found)")
    #expect(found.allSatisfy { $0.hasPrefix("gate.yaml:") })
  }

  @Test func aBadTimeZoneIsNamed() {
    #expect(
      problems(Self.valid.replacingOccurrences(of: "Asia/Shanghai", with: "Asia/Beijing")) == [
        "gate.yaml:10:12: time_zone: 'Asia/Beijing' is not an IANA time zone name (e.g. Asia/Shanghai, Europe/Berlin, UTC)"
      ])
  }

  @Test func aRosterNeedsADutyOfficeAndARouteThatCallsIt() {
    let withoutDutyOffice = Self.valid.replacingOccurrences(of: "duty_office: [duty]\n", with: "")
    #expect(problems(withoutDutyOffice).contains { $0.contains("an on-call roster needs duty_office") })
    let uncalled = Self.valid.replacingOccurrences(of: "sinks: [gate, log, on_call]", with: "sinks: [gate, log]")
    #expect(problems(uncalled).contains { $0.contains("the on-call roster is called by no route") })
    let both = Self.valid + "\non_call_file: roster.csv\n"
    #expect(problems(both).contains { $0.contains("give on_call (the roster here) or on_call_file (a CSV), not both") })
  }

  @Test func onCallInARouteWithoutARosterIsNamed() {
    #expect(
      problems(Self.sinks).contains {
        $0.contains("routes[0].sinks: 'on_call' calls the doctor on call and needs a roster")
      })
  }
}
