import ArgumentParser
import Foundation
import ThermoDispatch
import ThermoGateway
import ThermoStore
import ThermoTools

struct RegisterCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "register",
    abstract: "The screening register.",
    subcommands: [Export.self, Decisions.self, ShiftReportCommand.self, DailyReportCommand.self]
  )

  struct Decisions: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Export the access decisions (who was let in or turned away, and why), oldest first.",
      discussion: "Also the people denied without a screening (an unknown badge, an ID nobody was measured for). "
        + "Person IDs appear as stored.")

    @OptionGroup var store: StoreOption
    @Option(help: "From this time (ISO 8601 or seconds), inclusive.") var since: String?
    @Option(help: "Until this time, exclusive.") var until: String?
    @Option(help: "csv or jsonl.") var format: Export.Format = .csv

    func run() throws {
      let from = try since.map { try parseTime($0, option: "--since") } ?? -.infinity
      let to = try until.map { try parseTime($0, option: "--until") } ?? .infinity
      guard from < to else { throw ValidationError("--since must be before --until") }
      let entries = try store.withStore { try $0.passages(since: from, until: to) }
      switch format {
      case .csv:
        print(PassageExport.csvHeader)
        for entry in entries { print(PassageExport.csvRow(entry)) }
      case .jsonl:
        for entry in entries { print(PassageExport.jsonLine(entry)) }
      }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Export registered screenings, oldest first.",
      discussion: "Person IDs appear as stored: hashed (h:…) when the site hashes them, empty when it omits them.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case csv, jsonl
    }

    @OptionGroup var store: StoreOption
    @Option(help: "From this time (ISO 8601 or seconds), inclusive.") var since: String?
    @Option(help: "Until this time, exclusive.") var until: String?
    @Option(help: "csv or jsonl.") var format: Format = .csv

    func run() throws {
      let from = try since.map { try parseTime($0, option: "--since") } ?? -.infinity
      let to = try until.map { try parseTime($0, option: "--until") } ?? .infinity
      guard from < to else { throw ValidationError("--since must be before --until") }
      let entries = try store.withStore { try $0.screenings(since: from, until: to) }
      switch format {
      case .csv:
        print(RegisterExport.csvHeader)
        for entry in entries { print(RegisterExport.csvRow(entry)) }
      case .jsonl:
        for entry in entries { print(RegisterExport.jsonLine(entry)) }
      }
    }
  }
}

struct ShiftReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "shift-report",
    abstract: "Staff on a shift roster against the register: screened before their shift or not, with results.",
    discussion: """
      The roster is CSV with a header naming work_id and shift_start (HH:MM on --date in the \
      machine's time zone, or an ISO 8601 time), and optionally name. A screening counts when it \
      falls within --window-hours before the shift start. Give the gateway's --config when the \
      register stores person IDs hashed: IDs are compared hashed under the same key. Exits 1 when \
      anyone was not screened or needs attention (elevated not cleared, fever).
      """)

  @OptionGroup var store: StoreOption
  @Option(help: "The roster (CSV).") var roster: String
  @Option(help: "The shifts' date, YYYY-MM-DD (today when omitted).") var date: String?
  @Option(help: "Hours before a shift in which a screening counts.") var windowHours = 3.0
  @Option(help: "The site's time zone for HH:MM shift starts (e.g. Europe/Berlin); default: this machine's.")
  var timeZone: String?
  @Flag(help: "One JSON object per person.") var json = false

  /// The gate's denials of the person, e.g. "; denied at the gate 2× (expired_id, no_id)".
  static func denied(_ line: ShiftReport.Line) -> String {
    guard !line.denials.isEmpty else { return "" }
    return "; denied at the gate \(line.denials.count)× (\(line.denials.map(\.reason).joined(separator: ", ")))"
  }

  /// What the secondary station made of the person, e.g. "; secondary: cleared (oral 36.8 °C)".
  static func secondary(_ line: ShiftReport.Line) -> String {
    guard let secondary = line.screening?.secondary else { return "" }
    var text = "; secondary: \(secondary.status)"
    if let method = secondary.clinicalMethod, let value = secondary.clinicalC {
      text += String(format: " (%@ %.1f °C)", method, value)
    } else if secondary.settledHow == "infrared_recheck" {
      text += " (infrared re-check)"
    }
    if let disposition = secondary.disposition { text += ", disposition \(disposition)" }
    return text
  }

  func validate() throws {
    guard windowHours > 0, windowHours <= 24 else {
      throw ValidationError("--window-hours must be above 0 and at most 24")
    }
  }

  func run() throws {
    var standardError = StandardError()
    let policy = try store.configuration()?.personIDs ?? .plain
    let (zone, day) = try siteDay(date: date, timeZone: timeZone)
    if case .omitted = policy {
      print(
        "error: this site does not store person IDs (person_ids: omitted); no shift report is possible",
        to: &standardError)
      throw ExitCode(1)
    }
    guard let data = FileManager.default.contents(atPath: roster) else {
      print("error: cannot read the roster \(roster)", to: &standardError)
      throw ExitCode(1)
    }
    let shifts: ShiftRoster
    do {
      shifts = try ShiftRoster.parse(String(decoding: data, as: UTF8.self), file: roster, day: day, timeZone: zone)
    } catch {
      for problem in error.problems { print(problem.description, to: &standardError) }
      throw ExitCode(1)
    }
    let window = windowHours * 3600
    let earliest = shifts.entries.map(\.shiftStart).min() ?? 0
    let latest = shifts.entries.map(\.shiftStart).max() ?? 0
    let (register, passages) = try store.withStore {
      (
        try $0.screenings(since: earliest - window, until: latest + 1),
        try $0.passages(since: earliest - window, until: latest + 1)
      )
    }
    let report = ShiftReport(
      roster: shifts, register: register, passages: passages, personIDs: policy, window: window)
    for line in report.lines {
      let who = line.entry.name.map { "\(line.entry.workID) (\($0))" } ?? line.entry.workID
      if json {
        var object = JSONLine()
        object.add("work_id", line.entry.workID)
        object.add("name", line.entry.name)
        object.add("shift_start", Timestamp.format(line.entry.shiftStart))
        object.add("screened", line.isScreened ? "yes" : "no")
        object.add("time", line.screening.map { Timestamp.format($0.time) })
        object.add("class", line.screening?.screeningClass)
        object.add("body_c", line.screening?.bodyC, decimals: 1)
        object.add("entrance", line.screening?.entrance)
        object.add("attempts_without_result", line.attempts)
        object.add("denied_at_gate", line.denials.count)
        object.add("denied_reasons", line.denials.isEmpty ? nil : line.denials.map(\.reason).joined(separator: ","))
        object.add("secondary", line.screening?.secondary?.status)
        object.add("clinical_method", line.screening?.secondary?.clinicalMethod)
        object.add("clinical_c", line.screening?.secondary?.clinicalC, decimals: 1)
        object.add("disposition", line.screening?.secondary?.disposition)
        object.add("needs_attention", line.needsAttention ? "yes" : "no")
        print(object.string)
      } else if let screening = line.screening {
        let body = screening.bodyC.map { String(format: " %.1f °C", $0) } ?? ""
        let flag = line.needsAttention ? "  ← ATTENTION" : ""
        print(
          "\(who)  shift \(Timestamp.format(line.entry.shiftStart))  screened \(Timestamp.format(screening.time)) at \(screening.entrance): \(screening.screeningClass)\(body)\(Self.secondary(line))\(Self.denied(line))\(flag)"
        )
      } else {
        let tries = line.attempts > 0 ? " (\(line.attempts) attempt(s) without a result)" : ""
        print("\(who)  shift \(Timestamp.format(line.entry.shiftStart))  NOT SCREENED\(tries)\(Self.denied(line))")
      }
    }
    let missing = report.lines.filter { !$0.isScreened }.count
    let attention = report.lines.filter { $0.isScreened && $0.needsAttention }.count
    print(
      "\(report.lines.count) on the roster: \(report.lines.count - missing) screened, \(missing) not screened, \(attention) need attention, \(report.deniedStaff) denied at the gate",
      to: &standardError)
    if missing > 0 || attention > 0 { throw ExitCode(1) }
  }
}

struct DailyReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "daily-report",
    abstract: "One day's figures per entrance: screenings, access decisions, secondary station and dispositions.",
    discussion: """
      Counts only, no person in it: the figures a site reports upward. The day runs from local \
      midnight to midnight in --time-zone (default: this machine's).
      """)

  @OptionGroup var store: StoreOption
  @Option(help: "The day, YYYY-MM-DD (today when omitted).") var date: String?
  @Option(help: "The site's time zone (e.g. Asia/Shanghai); default: this machine's.") var timeZone: String?
  @Flag(help: "One JSON object per entrance and one for the total.") var json = false

  func run() throws {
    let (zone, day) = try siteDay(date: date, timeZone: timeZone)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let start = day.timeIntervalSince1970
    let end = (calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)).timeIntervalSince1970
    let report = try store.withStore { store in
      DailyReport(
        screenings: try store.screeningCounts(since: start, until: end),
        passages: try store.passageCounts(since: start, until: end),
        secondary: try store.secondaryCounts(since: start, until: end))
    }
    let label = date ?? day.formatted(Date.ISO8601FormatStyle(timeZone: zone).year().month().day())
    for figures in report.entrances + [report.total] {
      if json {
        var object = JSONLine()
        object.add("date", label)
        object.add("entrance", figures.entrance)
        object.add("screened", figures.screened)
        for (name, count) in figures.screenings.sorted(by: { $0.key < $1.key }) {
          object.add("screenings_\(name)", count)
        }
        object.add("granted", figures.granted)
        object.add("denied", figures.deniedTotal)
        for (name, count) in figures.denied.sorted(by: { $0.key < $1.key }) { object.add("denied_\(name)", count) }
        for (name, count) in figures.secondary.sorted(by: { $0.key < $1.key }) {
          object.add("secondary_\(name)", count)
        }
        for (name, count) in figures.dispositions.sorted(by: { $0.key < $1.key }) {
          object.add("disposition_\(name)", count)
        }
        print(object.string)
      } else {
        func list(_ counts: [String: Int]) -> String {
          counts.isEmpty
            ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        print("\(label)  \(figures.entrance)")
        print("  screened \(figures.screened): \(list(figures.screenings))")
        print("  granted \(figures.granted), denied \(figures.deniedTotal): \(list(figures.denied))")
        print("  secondary: \(list(figures.secondary))")
        print("  fever dispositions: \(list(figures.dispositions))")
      }
    }
  }
}

/// `--time-zone` (default: this machine's) and local midnight of `--date` (default: today) in it.
func siteDay(date: String?, timeZone: String?) throws -> (TimeZone, Date) {
  let zone: TimeZone
  if let timeZone {
    guard let named = TimeZone(identifier: timeZone) else {
      throw ValidationError("--time-zone: '\(timeZone)' is not a time zone name (e.g. Asia/Shanghai)")
    }
    zone = named
  } else {
    zone = .current
  }
  var calendar = Calendar(identifier: .gregorian)
  calendar.timeZone = zone
  guard let date else { return (zone, calendar.startOfDay(for: Date())) }
  let parts = date.split(separator: "-").compactMap { Int($0) }
  guard parts.count == 3,
    let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
  else { throw ValidationError("--date must be YYYY-MM-DD, got '\(date)'") }
  return (zone, day)
}
