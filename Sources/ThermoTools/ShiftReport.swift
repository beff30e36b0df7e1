import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoStore

/// A shift roster: who starts when. CSV with a header naming `work_id` and `shift_start`
/// (`HH:MM` on the report's date, or a full ISO 8601 time), and optionally `name`.
public struct ShiftRoster: Sendable, Equatable {
  public struct Entry: Sendable, Equatable {
    public var workID: String
    public var name: String?
    public var shiftStart: Double
  }

  public var entries: [Entry]

  /// `day` is midnight of the report's date in the site's time zone.
  public static func parse(_ text: String, file: String, day: Date, timeZone: TimeZone) throws(ConfigProblems)
    -> ShiftRoster
  {
    var problems: [ConfigProblem] = []
    var entries: [Entry] = []
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
    }
    guard let header = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
      let idColumn = header.firstIndex(of: "work_id"), let startColumn = header.firstIndex(of: "shift_start")
    else {
      throw ConfigProblems([
        ConfigProblem(file: file, line: 1, column: 1, message: "the header must name work_id and shift_start")
      ])
    }
    let nameColumn = header.firstIndex(of: "name")
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      func problem(_ message: String) {
        problems.append(ConfigProblem(file: file, line: index + 1, column: 1, message: message))
      }
      guard fields.count == header.count else {
        problem("expected \(header.count) fields, found \(fields.count)")
        continue
      }
      let workID = fields[idColumn]
      guard !workID.isEmpty else {
        problem("work_id is empty")
        continue
      }
      let startText = fields[startColumn]
      let start: Double
      let clock = startText.split(separator: ":")
      if clock.count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]), (0..<24).contains(hour),
        (0..<60).contains(minute), let time = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)
      {
        start = time.timeIntervalSince1970
      } else if startText.contains("T"), let time = Timestamp.parse(startText) {
        start = time
      } else {
        problem("shift_start '\(startText)' is neither HH:MM nor an ISO 8601 time")
        continue
      }
      let name = nameColumn.map { fields[$0] }.flatMap { $0.isEmpty ? nil : $0 }
      entries.append(Entry(workID: workID, name: name, shiftStart: start))
    }
    guard problems.isEmpty else { throw ConfigProblems(problems) }
    return ShiftRoster(entries: entries)
  }
}

/// Staff on a roster against the register: screened before their shift or not, and with what
/// result — the pre-shift screening the office requires.
public struct ShiftReport: Sendable {
  public struct Line: Sendable, Equatable {
    public var entry: ShiftRoster.Entry
    /// The decisive screening (normal, elevated or fever) in the window, latest first.
    public var screening: RegisterEntry?
    /// Screenings that did not decide (retry, fault) in the window.
    public var attempts: Int
    /// A fever anywhere in the window, confirmed at the gate or at the secondary station (a later
    /// normal reading does not undo it).
    public var hadFever: Bool
    /// Every such fever's doctor cleared the person after a clinical check.
    public var feverClearedByDoctor = false
    /// Times the gate turned the person away in the window (any reason: an expired ID, no
    /// reading, an elevated one), oldest first.
    public var denials: [PassageEntry] = []
    public var isScreened: Bool { screening != nil }
    /// A fever the doctor did not clear, or a last reading that was not normal and that neither
    /// the secondary station nor the doctor cleared.
    public var needsAttention: Bool {
      if hadFever && !feverClearedByDoctor { return true }
      guard let screening else { return true }
      if screening.screeningClass == "normal" || screening.secondary?.status == "cleared" { return false }
      return screening.secondary?.disposition != Disposition.clearedAfterClinicalCheck.rawValue
    }
  }

  public var lines: [Line]

  /// `window`: how long before a shift a screening counts (and until the shift starts).
  /// Staff on the roster the gate denied at least once before their shift.
  public var deniedStaff: Int { lines.filter { !$0.denials.isEmpty }.count }

  public init(
    roster: ShiftRoster, register: [RegisterEntry], passages: [PassageEntry] = [], personIDs: PersonIDPolicy,
    window: Double
  ) {
    lines = roster.entries.map { entry in
      let token = personIDs.protect(entry.workID)
      let own = register.filter {
        $0.person != nil && $0.person == token && $0.time >= entry.shiftStart - window && $0.time <= entry.shiftStart
      }
      let decisive = own.filter { ["normal", "elevated", "fever"].contains($0.screeningClass) }
      let denials = passages.filter {
        $0.outcome == "denied" && $0.person != nil && $0.person == token && $0.time >= entry.shiftStart - window
          && $0.time <= entry.shiftStart
      }
      let fevers = decisive.filter { $0.screeningClass == "fever" || $0.secondary?.status == "fever" }
      return Line(
        entry: entry, screening: decisive.max { $0.time < $1.time }, attempts: own.count - decisive.count,
        hadFever: !fevers.isEmpty,
        feverClearedByDoctor: fevers.allSatisfy {
          $0.secondary?.disposition == Disposition.clearedAfterClinicalCheck.rawValue
        }, denials: denials)
    }
  }
}
