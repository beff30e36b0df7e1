import Foundation
import ThermoStore

/// Builds a roster from entries as written (YAML mapping or CSV row), with every problem named by
/// the entry and field it is in. The same rules for both sources:
/// - every entry needs a name and channels (configured sink names);
/// - weekdays, from and to come together, or all three are left out for a person listed only to
///   be somebody's backup;
/// - a name listed more than once (one person, several shifts) reaches the same channels;
/// - a backup names someone else in the roster.
public enum OnCallRosterReader {
  /// One entry as written, every field still text.
  public struct Written: Sendable, Equatable {
    public var name: String
    public var channels: [String]
    public var weekdays: String?
    public var from: String?
    public var to: String?
    public var backup: String?

    public init(
      name: String, channels: [String], weekdays: String? = nil, from: String? = nil, to: String? = nil,
      backup: String? = nil
    ) {
      self.name = name
      self.channels = channels
      self.weekdays = weekdays
      self.from = from
      self.to = to
      self.backup = backup
    }
  }

  /// A problem in entry `entry` (0-based, in the order written), field `field`.
  public struct Problem: Sendable, Equatable {
    public var entry: Int
    public var field: String
    public var message: String
  }

  public static let fields = ["name", "channels", "weekdays", "from", "to", "backup"]

  /// The roster, or nil and every problem (nothing half-read is used).
  public static func roster(_ written: [Written], sinks: Set<String>) -> (OnCallRoster?, [Problem]) {
    var problems: [Problem] = []
    var entries: [OnCallRoster.Entry] = []
    var channelsByName: [String: [String]] = [:]
    for (index, entry) in written.enumerated() {
      func report(_ field: String, _ message: String) {
        problems.append(Problem(entry: index, field: field, message: message))
      }
      let name = entry.name.trimmingCharacters(in: .whitespaces)
      if name.isEmpty {
        report("name", "is empty (the doctor's name, as the duty office knows them)")
      } else if name.count > 64 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
        report("name", "'\(name)' is too long (at most 64 characters) or holds control characters")
      }
      if entry.channels.isEmpty {
        report("channels", "is empty (the sinks that reach \(name.isEmpty ? "this person" : name))")
      }
      for channel in entry.channels where !sinks.contains(channel) {
        report(
          "channels",
          channel == Routing.onCallSink
            ? "'on_call' is the roster itself, not a channel"
            : "no sink named '\(channel)' (defined: \(sinks.sorted().joined(separator: ", ")))")
      }
      if let earlier = channelsByName[name], earlier != entry.channels, !entry.channels.isEmpty {
        report(
          "channels",
          "\(name) is listed before with channels \(earlier.joined(separator: ", ")); one person, one set of channels")
      } else if !name.isEmpty, !entry.channels.isEmpty {
        channelsByName[name] = channelsByName[name] ?? entry.channels
      }
      var parsed = OnCallRoster.Entry(name: name, channels: entry.channels, backup: entry.backup)
      let shift = [("weekdays", entry.weekdays), ("from", entry.from), ("to", entry.to)]
      let given = shift.filter { $0.1 != nil }
      if !given.isEmpty, given.count < 3 {
        for (field, value) in shift where value == nil {
          report(field, "is missing: a shift needs weekdays, from and to (leave all three out for a backup only)")
        }
      }
      if let weekdays = entry.weekdays {
        do { parsed.weekdays = try Weekday.parseList(weekdays) } catch { report("weekdays", error.message) }
      }
      if let from = entry.from {
        do { parsed.from = try LocalTime(parsing: from) } catch { report("from", error.message) }
      }
      if let to = entry.to {
        do { parsed.to = try LocalTime(parsing: to) } catch { report("to", error.message) }
      }
      entries.append(parsed)
    }
    let names = Set(entries.map(\.name))
    for (index, entry) in entries.enumerated() {
      guard let backup = entry.backup else { continue }
      if backup == entry.name {
        problems.append(Problem(entry: index, field: "backup", message: "\(entry.name) cannot be their own backup"))
      } else if !names.contains(backup) {
        problems.append(
          Problem(
            entry: index, field: "backup",
            message: "no one named '\(backup)' in the roster (list a backup-only person with name and channels)"))
      }
    }
    return problems.isEmpty ? (OnCallRoster(entries: entries), []) : (nil, problems)
  }

  /// Reads the roster CSV (header `name,channels,weekdays,from,to,backup`; channels and
  /// weekdays separated by `;` or, in a quoted field, commas). Empty fields are left out.
  /// Problems are named `line: field …` by `report`.
  public static func roster(csv text: String, sinks: Set<String>) -> (OnCallRoster?, [CSVProblem]) {
    let records = CSVRecord.records(text)
    guard let header = records.first, header.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == fields
    else {
      return (
        nil,
        [
          CSVProblem(
            line: records.first?.line ?? 1, field: nil,
            message: "the header must be exactly \(fields.joined(separator: ","))")
        ]
      )
    }
    var problems: [CSVProblem] = []
    var written: [Written] = []
    var lines: [Int] = []
    for record in records.dropFirst() {
      if let broken = record.broken {
        problems.append(
          CSVProblem(
            line: record.line, field: fields.indices.contains(broken.field) ? fields[broken.field] : nil,
            message: broken.message))
        continue
      }
      guard record.fields.count == fields.count else {
        problems.append(
          CSVProblem(
            line: record.line, field: nil,
            message: "expected \(fields.count) fields (\(fields.joined(separator: ","))), found \(record.fields.count)")
        )
        continue
      }
      let values = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
      func optional(_ index: Int) -> String? { values[index].isEmpty ? nil : values[index] }
      written.append(
        Written(
          name: values[0], channels: list(values[1]), weekdays: optional(2), from: optional(3), to: optional(4),
          backup: optional(5)))
      lines.append(record.line)
    }
    let (built, entryProblems) = Self.roster(written, sinks: sinks)
    problems += entryProblems.map { CSVProblem(line: lines[$0.entry], field: $0.field, message: $0.message) }
    guard problems.isEmpty else { return (nil, problems.sorted { $0.line < $1.line }) }
    return (built, [])
  }

  /// `a;b`, `a, b` or `a b`: a list in one field.
  static func list(_ text: String) -> [String] {
    text.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == " " }).map(String.init)
  }
}

/// A problem at a line (and field) of a CSV file: `line: field NAME: message`.
public struct CSVProblem: Sendable, Equatable, CustomStringConvertible {
  public var line: Int
  public var field: String?
  public var message: String

  public var description: String {
    field.map { "\(line): field \($0): \(message)" } ?? "\(line): \(message)"
  }
}
