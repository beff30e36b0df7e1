import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoDispatch
import ThermoStore

struct OnCallCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "on-call",
    abstract: "Say who is on call (now or at a given time), whom a fever calls, and when that changes.",
    discussion: """
      Reads the roster of the configuration (on_call or on_call_file, duty_office, \
      on_call_ack_deadline_s, time_zone) and prints the doctor on call, the chain a fever would \
      call (the doctor, their backup, the duty office; each after the acknowledgement deadline), \
      the next change and the hours nobody is on call. Exits 1 when the configuration has a \
      problem or no roster.
      """)

  @Option(help: "The configuration file.")
  var config = "/etc/thermogate/thermogate.yaml"

  @Option(
    help: ArgumentHelp(
      "The moment to ask about: local time in the roster's time zone (2026-12-02T21:00), or an instant with an "
        + "offset (2026-12-02T13:00Z); default now.", valueName: "time"))
  var at: String?

  func run() throws {
    var standardError = StandardError()
    let configuration: GatewayConfiguration
    do {
      configuration = try GatewayConfiguration.load(path: config)
    } catch {
      for problem in error.problems { print(problem.description, to: &standardError) }
      throw ExitCode(1)
    }
    guard let plan = configuration.onCall else {
      print("\(config) has no on-call roster (on_call or on_call_file)", to: &standardError)
      throw ExitCode(1)
    }
    let time: Double
    if let at {
      guard let parsed = Self.instant(at, in: plan.timeZone) else {
        throw ValidationError("--at '\(at)' is not a time: write 2026-12-02T21:00 (local) or 2026-12-02T13:00Z")
      }
      time = parsed
    } else {
      time = Date().timeIntervalSince1970
    }
    print(Self.report(plan.status(at: time), plan: plan).joined(separator: "\n"))
  }

  /// `YYYY-MM-DDTHH:MM[:SS]` read in `timeZone`, or an instant with its offset.
  static func instant(_ text: String, in timeZone: TimeZone) -> Double? {
    let parts = text.split(whereSeparator: { $0 == "T" || $0 == " " })
    if parts.count == 2 {
      let date = parts[0].split(separator: "-").compactMap { Int($0) }
      let clock = parts[1].split(separator: ":").compactMap { Int($0) }
      if date.count == 3, (2...3).contains(clock.count), parts[1].allSatisfy({ $0.isNumber || $0 == ":" }) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(
          year: date[0], month: date[1], day: date[2], hour: clock[0], minute: clock[1],
          second: clock.count == 3 ? clock[2] : 0)
        guard components.isValidDate(in: calendar), let instant = calendar.date(from: components) else { return nil }
        return instant.timeIntervalSince1970
      }
    }
    return Timestamp.parse(text)
  }

  static func report(_ status: OnCallStatus, plan: OnCallPlan) -> [String] {
    func local(_ time: Double) -> String {
      Date(timeIntervalSince1970: time).formatted(Date.ISO8601FormatStyle(timeZone: plan.timeZone))
    }
    var lines = ["at \(local(status.time)) (\(plan.timeZone.identifier))"]
    if let now = status.now {
      lines.append("on call: \(now.name) (\(now.channels.joined(separator: ", ")))")
    } else {
      lines.append("on call: nobody; a fever goes straight to the duty office")
    }
    lines.append("a fever calls, each after \(String(format: "%g", plan.acknowledgementDeadline)) s unacknowledged:")
    for (index, stage) in status.chain.enumerated() {
      let who = stage.role == .dutyOffice ? "the duty office" : "\(stage.name ?? "?") (\(stage.role.rawValue))"
      lines.append("  \(index + 1). \(who): \(stage.channels.joined(separator: ", "))")
    }
    if let change = status.nextChangeAt {
      lines.append("next change: \(local(change)): \(status.next.map(\.name) ?? "nobody (the duty office)")")
    } else {
      lines.append("next change: none")
    }
    if let gaps = plan.gapWarning { lines.append("warning: \(gaps)") }
    lines.append("roster (\(plan.timeZone.identifier); the first listed wins where shifts overlap):")
    for entry in plan.roster.entries {
      let shift =
        entry.weekdays.isEmpty
        ? "backup only"
        : "\(Weekday.describe(entry.weekdays)) \(entry.from)–\(entry.to == LocalTime(minutes: 0) ? "24:00" : entry.to.description)"
      let backup = entry.backup.map { ", backup \($0)" } ?? ""
      lines.append("  \(entry.name): \(shift)\(backup): \(entry.channels.joined(separator: ", "))")
    }
    return lines
  }
}
