import Foundation

/// Who is on call when: the doctors' shifts in local time. Pure: it holds no clock and is asked
/// with a wall time and the site's time zone.
///
/// - A shift covers its weekdays from `from` up to (not including) `to`, local wall time. One
///   that ends at or before it starts (20:00–08:00) crosses midnight and belongs to the weekday
///   it starts on: Sunday 20:00–08:00 runs into Monday morning. `from == to` is a full day.
/// - Overlaps: the first entry listed that covers the moment wins, so a roster lists its
///   exceptions (a stand-in for one evening) before the regular shifts.
/// - Gaps: nobody covers the moment; a fever goes straight to the duty office (`gaps` lists the
///   hours so a configuration check can warn about them).
/// - Daylight saving: shifts follow the wall clock. On the night the clocks go forward a shift
///   starting at a time that does not exist starts when the clock jumps; in the hour that is
///   repeated when they go back, both passes count as the same local time.
public struct OnCallRoster: Sendable, Equatable {
  public struct Entry: Sendable, Equatable {
    public var name: String
    /// Sink names: where this person is reached.
    public var channels: [String]
    /// Empty for a person listed only to be somebody's backup.
    public var weekdays: Set<Weekday>
    public var from: LocalTime
    public var to: LocalTime
    public var backup: String?

    public init(
      name: String, channels: [String], weekdays: Set<Weekday> = [], from: LocalTime = LocalTime(minutes: 0),
      to: LocalTime = LocalTime(minutes: 0), backup: String? = nil
    ) {
      self.name = name
      self.channels = channels
      self.weekdays = weekdays
      self.from = from
      self.to = to
      self.backup = backup
    }

    /// Whether the shift covers `minute` (of the day) on `weekday`.
    func covers(_ weekday: Weekday, minute: Int) -> Bool {
      if from.minutes < to.minutes {
        return weekdays.contains(weekday) && minute >= from.minutes && minute < to.minutes
      }
      // Crosses midnight (or a full day): the evening part on its own day, the morning part on
      // the day after.
      return (weekdays.contains(weekday) && minute >= from.minutes)
        || (weekdays.contains(weekday.previous) && minute < to.minutes)
    }
  }

  /// A person who can be called, with the channels that reach them.
  public struct Person: Sendable, Equatable {
    public var name: String
    public var channels: [String]

    public init(name: String, channels: [String]) {
      self.name = name
      self.channels = channels
    }
  }

  public var entries: [Entry]

  public init(entries: [Entry]) {
    self.entries = entries
  }

  /// The entry on call at `time` (seconds since 1970), nil in a gap.
  public func entry(at time: Double, in timeZone: TimeZone) -> Entry? {
    let local = LocalInstant(time, in: timeZone)
    return entries.first { $0.covers(local.weekday, minute: local.minuteOfDay) }
  }

  /// The person on call at `time`, nil in a gap.
  public func onCall(at time: Double, in timeZone: TimeZone) -> Person? {
    entry(at: time, in: timeZone).map { Person(name: $0.name, channels: $0.channels) }
  }

  /// Whom to call for someone's backup: the first entry under that name.
  public func person(named name: String) -> Person? {
    entries.first { $0.name == name }.map { Person(name: $0.name, channels: $0.channels) }
  }

  /// The next instant after `time` when somebody else (or nobody) is on call; nil when the
  /// answer never changes (one person always, or nobody ever). Looks up to eight days ahead.
  public func nextChange(after time: Double, in timeZone: TimeZone) -> Double? {
    let current = entry(at: time, in: timeZone)?.name
    let boundaries = Set(entries.filter { !$0.weekdays.isEmpty }.flatMap { [$0.from.minutes, $0.to.minutes] })
    guard !boundaries.isEmpty else { return nil }
    let horizon = time + 8 * 86_400
    var segmentStart = time
    // Between two clock changes the offset is fixed, so local boundaries map to instants by
    // subtraction; a clock change is itself a candidate (a boundary inside a skipped hour).
    while segmentStart < horizon {
      let offset = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: segmentStart)))
      let transition = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: segmentStart))
      let segmentEnd = min(transition?.timeIntervalSince1970 ?? horizon, horizon)
      var candidates: [Double] = []
      var day = ((segmentStart + offset) / 86_400).rounded(.down)
      while day * 86_400 - offset < segmentEnd {
        for minute in boundaries {
          let instant = day * 86_400 + Double(minute) * 60 - offset
          if instant > time, instant > segmentStart, instant < segmentEnd { candidates.append(instant) }
        }
        day += 1
      }
      if segmentEnd < horizon { candidates.append(segmentEnd) }
      for candidate in candidates.sorted() where entry(at: candidate, in: timeZone)?.name != current {
        return candidate
      }
      segmentStart = segmentEnd
    }
    return nil
  }

  /// The hours of the week nobody is on call, in local time, Monday first.
  public var gaps: [WeeklySpan] {
    let minutesPerWeek = 7 * 1440
    var covered = [Bool](repeating: false, count: minutesPerWeek)
    for weekIndex in 0..<minutesPerWeek {
      let weekday = Weekday.allCases[weekIndex / 1440]
      covered[weekIndex] = entries.contains { $0.covers(weekday, minute: weekIndex % 1440) }
    }
    var spans: [WeeklySpan] = []
    var start: Int?
    for weekIndex in 0...minutesPerWeek {
      let isGap = weekIndex < minutesPerWeek && !covered[weekIndex]
      if isGap, start == nil { start = weekIndex }
      if !isGap, let first = start {
        spans.append(WeeklySpan(start: first, end: weekIndex))
        start = nil
      }
    }
    // A gap over Sunday midnight is one gap, not two.
    if spans.count > 1, let first = spans.first, let last = spans.last, first.start == 0, last.end == minutesPerWeek {
      spans.removeFirst()
      spans[spans.count - 1] = WeeklySpan(start: last.start, end: minutesPerWeek + first.end)
    }
    return spans
  }
}

/// A day of the week; the roster's week starts on Monday.
public enum Weekday: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
  case monday, tuesday, wednesday, thursday, friday, saturday, sunday

  public var abbreviation: String { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue] }
  public var description: String { abbreviation }
  var previous: Weekday { Weekday(rawValue: (rawValue + 6) % 7) ?? .sunday }

  public static func < (left: Weekday, right: Weekday) -> Bool { left.rawValue < right.rawValue }

  /// `mon`, `Monday`, `MON` (English names, three letters or in full).
  public init?(name: String) {
    let lowered = name.trimmingCharacters(in: .whitespaces).lowercased()
    guard
      let day = Weekday.allCases.first(where: {
        lowered == $0.abbreviation
          || lowered
            == [
              "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
              "sunday",
            ][$0.rawValue]
      })
    else { return nil }
    self = day
  }

  /// A list as written in the roster: `mon, tue`, `mon-fri`, `fri-mon` (wrapping over the
  /// weekend), `daily`. Throws a message naming the part it could not read.
  public static func parseList(_ text: String) throws(RosterFieldError) -> Set<Weekday> {
    let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
    if trimmed == "daily" || trimmed == "every day" { return Set(allCases) }
    var days: Set<Weekday> = []
    let parts = trimmed.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
    guard !parts.isEmpty else { throw RosterFieldError("is empty (write e.g. mon-fri, or mon, wed, or daily)") }
    for part in parts {
      let ends = part.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
      guard ends.count <= 2, let first = Weekday(name: ends[0]), let last = Weekday(name: ends[ends.count - 1])
      else {
        throw RosterFieldError("'\(part)' is not a weekday or a range of them (mon, tue, … sun; e.g. mon-fri)")
      }
      var day = first
      days.insert(day)
      while day != last {
        day = Weekday(rawValue: (day.rawValue + 1) % 7) ?? .monday
        days.insert(day)
      }
    }
    return days
  }

  /// The set written back the short way (`mon-fri`, `sat, sun`, `daily`).
  public static func describe(_ days: Set<Weekday>) -> String {
    if days.count == 7 { return "daily" }
    var runs: [String] = []
    let sorted = days.sorted()
    var index = 0
    while index < sorted.count {
      var end = index
      while end + 1 < sorted.count, sorted[end + 1].rawValue == sorted[end].rawValue + 1 { end += 1 }
      runs.append(
        end - index >= 2
          ? "\(sorted[index])-\(sorted[end])" : sorted[index...end].map(\.abbreviation).joined(separator: ", "))
      index = end + 1
    }
    return runs.joined(separator: ", ")
  }
}

/// A wall-clock time of day, to the minute (`08:00`, `20:30`; `24:00` ends a day).
public struct LocalTime: Sendable, Equatable, Comparable, CustomStringConvertible {
  /// Minutes since midnight, 0...1440.
  public var minutes: Int

  public init(minutes: Int) {
    self.minutes = minutes
  }

  /// `HH:MM`, 00:00 to 24:00.
  public init(parsing text: String) throws(RosterFieldError) {
    let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
      parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), let hour = Int(parts[0]),
      let minute = Int(parts[1]), hour <= 24, minute < 60, hour * 60 + minute <= 1440
    else { throw RosterFieldError("'\(text)' is not a time of day (HH:MM, 00:00 to 24:00)") }
    minutes = (hour * 60 + minute) % 1440
  }

  public var description: String {
    String(format: "%02d:%02d", minutes / 60, minutes % 60)
  }

  public static func < (left: LocalTime, right: LocalTime) -> Bool { left.minutes < right.minutes }
}

/// A stretch of the week in local time: minutes from Monday 00:00 (`end` may pass Sunday
/// midnight when the stretch wraps into the next week).
public struct WeeklySpan: Sendable, Equatable, CustomStringConvertible {
  public var start: Int
  public var end: Int

  public init(start: Int, end: Int) {
    self.start = start
    self.end = end
  }

  public var hours: Double { Double(end - start) / 60 }

  public var description: String {
    func point(_ minute: Int, isEnd: Bool) -> String {
      let wrapped = minute % (7 * 1440)
      // An end at midnight reads as 24:00 of the day before.
      if isEnd, wrapped % 1440 == 0 {
        return "\(Weekday.allCases[(wrapped / 1440 + 6) % 7]) 24:00"
      }
      return "\(Weekday.allCases[wrapped / 1440]) \(LocalTime(minutes: wrapped % 1440))"
    }
    return "\(point(start, isEnd: false))–\(point(end, isEnd: true))"
  }
}

/// One roster field that cannot be read, and why.
public struct RosterFieldError: Error, Sendable, Equatable {
  public var message: String

  public init(_ message: String) {
    self.message = message
  }
}

/// An instant as the site's wall clock shows it.
struct LocalInstant {
  var weekday: Weekday
  var minuteOfDay: Int

  init(_ time: Double, in timeZone: TimeZone) {
    let local = time + Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: time)))
    let day = (local / 86_400).rounded(.down)
    minuteOfDay = Int(((local - day * 86_400) / 60).rounded(.down))
    // 1 January 1970 was a Thursday.
    let index = ((Int(day) + 3) % 7 + 7) % 7
    weekday = Weekday(rawValue: index) ?? .monday
  }
}
