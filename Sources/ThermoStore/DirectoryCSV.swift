import Foundation
import ThermoCore

/// A problem in a staff directory file, named the way HR can find and fix it in a spreadsheet.
public struct DirectoryProblem: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int
  /// The column at fault; nil when the problem is the line as a whole (its field count).
  public var field: String?
  public var message: String

  public init(file: String, line: Int, field: String?, message: String) {
    self.file = file
    self.line = line
    self.field = field
    self.message = message
  }

  public var description: String {
    if let field { return "\(file):\(line): field \(field): \(message)" }
    return "\(file):\(line): \(message)"
  }
}

/// Every problem of one directory file: the whole file is refused, so HR fixes them all in one pass.
public struct DirectoryProblems: Error, Sendable, Equatable, CustomStringConvertible {
  public var problems: [DirectoryProblem]

  public init(_ problems: [DirectoryProblem]) {
    self.problems = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
      .map(\.element)
  }

  public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// The staff directory as HR exports it: CSV (RFC 4180, UTF-8, BOM and CRLF allowed) with the
/// header `work_id,name,department,role,valid_from,valid_until,status`.
public enum DirectoryCSV {
  public static let columns = ["work_id", "name", "department", "role", "valid_from", "valid_until", "status"]
  public static let header = columns.joined(separator: ",")

  /// The members as read (IDs unprotected). Dates (`2026-12-31`) are days in `timeZone`:
  /// valid_from from the start of that day, valid_until through its end; a date-time must carry
  /// its zone. Throws every problem of the file, in line order.
  public static func parse(_ text: String, file: String, timeZone: TimeZone = .current) throws(DirectoryProblems)
    -> [StaffMember]
  {
    var problems: [DirectoryProblem] = []
    let records = CSVRecords.split(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
    guard let headerRecord = records.first,
      headerRecord.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == columns
    else {
      throw DirectoryProblems([
        DirectoryProblem(
          file: file, line: records.first?.line ?? 1, field: nil, message: "the header must be exactly \(header)")
      ])
    }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    var members: [StaffMember] = []
    var firstLine: [String: Int] = [:]
    for record in records.dropFirst() {
      func problem(_ field: String?, _ message: String) {
        problems.append(DirectoryProblem(file: file, line: record.line, field: field, message: message))
      }
      if let broken = record.broken {
        problem(columns.indices.contains(broken.field) ? columns[broken.field] : nil, broken.message)
        continue
      }
      guard record.fields.count == columns.count else {
        problem(nil, "expected \(columns.count) fields (\(header)), found \(record.fields.count)")
        continue
      }
      let values = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
      func optional(_ index: Int) -> String? { values[index].isEmpty ? nil : values[index] }
      let workID = values[0]
      var rowIsGood = true
      if workID.isEmpty {
        problem("work_id", "is empty (every row needs the ID the badge reader gives)")
        rowIsGood = false
      } else if let earlier = firstLine[workID] {
        problem("work_id", "'\(workID)' appears twice (lines \(earlier) and \(record.line))")
        rowIsGood = false
      } else {
        firstLine[workID] = record.line
      }
      let from = bound(values[4], field: "valid_from", endOfDay: false, calendar: calendar, report: problem)
      let until = bound(values[5], field: "valid_until", endOfDay: true, calendar: calendar, report: problem)
      if case .failure = from { rowIsGood = false }
      if case .failure = until { rowIsGood = false }
      if case .success(let start?) = from, case .success(let end?) = until, end <= start {
        problem("valid_until", "'\(values[5])' is not after valid_from '\(values[4])'")
        rowIsGood = false
      }
      let blocked: Bool
      switch values[6] {
      case "", "active": blocked = false
      case "blocked": blocked = true
      default:
        problem("status", "'\(values[6])' is not a status (active or blocked; empty means active)")
        blocked = false
        rowIsGood = false
      }
      guard rowIsGood, case .success(let validFrom) = from, case .success(let validUntil) = until else { continue }
      members.append(
        StaffMember(
          workID: workID, name: optional(1), department: optional(2), role: optional(3), validFrom: validFrom,
          validUntil: validUntil, blocked: blocked))
    }
    guard problems.isEmpty else { throw DirectoryProblems(problems) }
    return members
  }

  private struct BadBound: Error {}

  /// Nil is unbounded; a date bounds the whole day (`endOfDay`: through its end, for valid_until).
  private static func bound(
    _ text: String, field: String, endOfDay: Bool, calendar: Calendar, report: (String?, String) -> Void
  ) -> Result<Double?, BadBound> {
    guard !text.isEmpty else { return .success(nil) }
    if let day = day(text, calendar: calendar) {
      guard endOfDay else { return .success(day.timeIntervalSince1970) }
      guard let next = calendar.date(byAdding: .day, value: 1, to: day) else {
        report(field, "'\(text)' is not a date (ISO 8601, e.g. 2026-12-31)")
        return .failure(BadBound())
      }
      return .success(next.timeIntervalSince1970)
    }
    if text.contains("T") {
      for fractional in [false, true] {
        if let instant = try? Date.ISO8601FormatStyle(includingFractionalSeconds: fractional).parse(text) {
          return .success(instant.timeIntervalSince1970)
        }
      }
      if !hasZone(text) {
        report(field, "'\(text)' has no time zone (end it with Z or an offset like +08:00)")
        return .failure(BadBound())
      }
    }
    report(field, "'\(text)' is not a date (ISO 8601, e.g. 2026-12-31)")
    return .failure(BadBound())
  }

  /// Midnight starting `YYYY-MM-DD` in the calendar's zone; nil unless the text is exactly a
  /// real calendar date (Calendar would roll 2026-02-30 over into March).
  private static func day(_ text: String, calendar: Calendar) -> Date? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
      let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2]),
      let date = calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth))
    else { return nil }
    let check = calendar.dateComponents([.year, .month, .day], from: date)
    guard check.year == year, check.month == month, check.day == dayOfMonth else { return nil }
    return date
  }

  private static func hasZone(_ text: String) -> Bool {
    guard let time = text.split(separator: "T", maxSplits: 1).last else { return false }
    return time.hasSuffix("Z") || time.hasSuffix("z") || time.contains("+") || time.contains("-")
  }
}

/// RFC 4180 records: a quoted field may hold commas, doubled quotes and line breaks, so a record
/// can span lines; each record is named by the line it starts on.
struct CSVRecords {
  /// A quoting mistake in field `field` (0-based): the record's fields cannot be trusted.
  struct Quoting {
    var field: Int
    var message: String
  }

  struct Record {
    var line: Int
    var fields: [String]
    var broken: Quoting?
  }

  /// Blank lines are skipped.
  static func split(_ text: String) -> [Record] {
    var records: [Record] = []
    var fields: [String] = []
    var field = String.UnicodeScalarView()
    var line = 1
    var recordLine = 1
    var quoted = false
    var afterClosingQuote = false
    var fieldStarted = false
    var broken: Quoting?
    let scalars = Array(text.unicodeScalars)
    var index = 0

    func endField() {
      fields.append(String(field))
      field = String.UnicodeScalarView()
      afterClosingQuote = false
      fieldStarted = false
    }
    func endRecord() {
      endField()
      let blank = fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty && broken == nil
      if !blank { records.append(Record(line: recordLine, fields: fields, broken: broken)) }
      fields = []
      broken = nil
    }

    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if quoted {
        if scalar == "\"" {
          if index < scalars.count, scalars[index] == "\"" {
            field.append("\"")
            index += 1
          } else {
            quoted = false
            afterClosingQuote = true
          }
        } else {
          if scalar == "\n" { line += 1 }
          field.append(scalar)
        }
        continue
      }
      switch scalar {
      case ",":
        endField()
      case "\r" where index < scalars.count && scalars[index] == "\n":
        continue
      case "\n", "\r":
        endRecord()
        line += 1
        recordLine = line
      case "\"" where !fieldStarted && String(field).trimmingCharacters(in: .whitespaces).isEmpty:
        field = String.UnicodeScalarView()
        quoted = true
        fieldStarted = true
      default:
        if afterClosingQuote, scalar != " ", broken == nil {
          broken = Quoting(
            field: fields.count, message: "text after the closing quote (a quote inside a field is written \"\")")
        } else if scalar == "\"", broken == nil {
          broken = Quoting(
            field: fields.count,
            message: "a quote inside an unquoted field (quote the field and write the quote as \"\")")
        }
        if !afterClosingQuote { field.append(scalar) }
        if scalar != " " { fieldStarted = true }
      }
    }
    if quoted && broken == nil {
      broken = Quoting(field: fields.count, message: "the quote opened here is never closed")
    }
    endRecord()
    return records
  }
}
