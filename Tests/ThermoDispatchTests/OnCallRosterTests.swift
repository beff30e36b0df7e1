import Foundation
import Testing

@testable import ThermoDispatch

/// The roster's time rules, asked at chosen wall times (no clock runs).
@Suite struct OnCallRosterTests {
  static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
  static let berlin = TimeZone(identifier: "Europe/Berlin") ?? .gmt

  /// `2026-12-02T21:00` as the wall clock of `zone` shows it.
  func at(_ text: String, _ zone: TimeZone = shanghai) -> Double {
    let parts = text.split(separator: "T")
    let date = parts[0].split(separator: "-").compactMap { Int($0) }
    let clock = parts[1].split(separator: ":").compactMap { Int($0) }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let components = DateComponents(year: date[0], month: date[1], day: date[2], hour: clock[0], minute: clock[1])
    return (calendar.date(from: components) ?? .distantPast).timeIntervalSince1970
  }

  func utc(_ text: String) -> Double { at(text, .gmt) }

  func entry(
    _ name: String, _ weekdays: String, _ from: String, _ to: String, backup: String? = nil
  ) throws -> OnCallRoster.Entry {
    OnCallRoster.Entry(
      name: name, channels: ["\(name)-mail"], weekdays: try Weekday.parseList(weekdays),
      from: try LocalTime(parsing: from), to: try LocalTime(parsing: to), backup: backup)
  }

  func onCall(_ roster: OnCallRoster, _ time: Double, _ zone: TimeZone = shanghai) -> String? {
    roster.onCall(at: time, in: zone)?.name
  }

  @Test func weekdaysAndANightShiftBelongToTheDayTheyStartOn() throws {
    let roster = OnCallRoster(entries: [
      try entry("wang", "mon-fri", "08:00", "20:00"), try entry("li", "mon, tue, wed, thu", "20:00", "08:00"),
    ])
    // 2 December 2026 is a Wednesday.
    #expect(onCall(roster, at("2026-12-02T07:59")) == "li")  // Tuesday's night
    #expect(onCall(roster, at("2026-12-02T08:00")) == "wang")
    #expect(onCall(roster, at("2026-12-02T19:59")) == "wang")
    #expect(onCall(roster, at("2026-12-02T20:00")) == "li")
    #expect(onCall(roster, at("2026-12-03T03:00")) == "li")  // Wednesday's night, on Thursday
    // Thursday's night runs into Friday morning; Friday evening is nobody's.
    #expect(onCall(roster, at("2026-12-04T07:59")) == "li")
    #expect(onCall(roster, at("2026-12-04T20:00")) == nil)
    #expect(onCall(roster, at("2026-12-05T12:00")) == nil)  // Saturday
  }

  @Test func sundaysNightShiftRunsIntoMonday() throws {
    let roster = OnCallRoster(entries: [try entry("zhao", "sun", "22:00", "06:00")])
    #expect(onCall(roster, at("2026-12-06T21:59")) == nil)  // Sunday
    #expect(onCall(roster, at("2026-12-06T22:00")) == "zhao")
    #expect(onCall(roster, at("2026-12-07T05:59")) == "zhao")  // Monday
    #expect(onCall(roster, at("2026-12-07T06:00")) == nil)
    // …and not into Sunday morning: the shift before it starts on Saturday, which is not listed.
    #expect(onCall(roster, at("2026-12-06T03:00")) == nil)
  }

  @Test func aGapCallsNobodyAndTheChainIsTheDutyOffice() throws {
    let roster = OnCallRoster(entries: [try entry("wang", "mon-fri", "08:00", "20:00", backup: "li")])
    let plan = OnCallPlan(roster: roster, dutyOffice: ["duty"], timeZone: Self.shanghai)
    let chain = plan.chain(at: at("2026-12-05T12:00"))
    #expect(chain.onCall == nil)
    #expect(chain.stages.map(\.role) == [.dutyOffice])
    #expect(chain.stages.map(\.channels) == [["duty"]])
    // The gaps of the week, in local time, the weekend one across Sunday midnight.
    #expect(
      roster.gaps.map(\.description) == [
        "mon 20:00–tue 08:00", "tue 20:00–wed 08:00", "wed 20:00–thu 08:00", "thu 20:00–fri 08:00",
        "fri 20:00–mon 08:00",
      ])
    #expect(roster.gaps.map(\.hours).reduce(0, +) == 168 - 60)
  }

  @Test func aGapOverSundayMidnightIsOneGap() throws {
    let roster = OnCallRoster(entries: [try entry("wang", "mon-sat", "00:00", "00:00")])
    #expect(roster.gaps.map(\.description) == ["sun 00:00–sun 24:00"])
    let nights = OnCallRoster(entries: [try entry("wang", "tue-sun", "08:00", "08:00")])
    #expect(nights.gaps.map(\.description) == ["mon 08:00–tue 08:00"])
  }

  @Test func inAnOverlapTheFirstListedWins() throws {
    let roster = OnCallRoster(entries: [
      try entry("stand-in", "wed", "18:00", "22:00"), try entry("li", "mon-fri", "20:00", "08:00", backup: "wang"),
      try entry("wang", "daily", "00:00", "00:00"),
    ])
    #expect(onCall(roster, at("2026-12-02T21:00")) == "stand-in")
    #expect(onCall(roster, at("2026-12-02T22:00")) == "li")
    #expect(onCall(roster, at("2026-12-02T12:00")) == "wang")
    let plan = OnCallPlan(roster: roster, dutyOffice: ["duty"], timeZone: Self.shanghai)
    let chain = plan.chain(at: at("2026-12-02T22:00"))
    #expect(chain.onCall == "li")
    #expect(chain.stages.map(\.name) == ["li", "wang", nil])
    #expect(chain.stages.map(\.channels) == [["li-mail"], ["wang-mail"], ["duty"]])
  }

  @Test func theNextChangeIsWhenSomebodyElseIsOnCall() throws {
    let roster = OnCallRoster(entries: [
      try entry("wang", "mon-fri", "08:00", "20:00"), try entry("li", "mon-fri", "20:00", "08:00"),
    ])
    #expect(roster.nextChange(after: at("2026-12-02T10:00"), in: Self.shanghai) == at("2026-12-02T20:00"))
    // Friday night runs to Saturday 08:00; then nobody until Monday 08:00.
    #expect(roster.nextChange(after: at("2026-12-04T21:00"), in: Self.shanghai) == at("2026-12-05T08:00"))
    #expect(roster.nextChange(after: at("2026-12-05T08:00"), in: Self.shanghai) == at("2026-12-07T08:00"))
    let status = OnCallPlan(roster: roster, dutyOffice: ["duty"], timeZone: Self.shanghai).status(
      at: at("2026-12-02T10:00"))
    #expect(status.now?.name == "wang")
    #expect(status.next?.name == "li")
    // One person around the clock: nothing ever changes.
    let always = OnCallRoster(entries: [try entry("wang", "daily", "00:00", "00:00")])
    #expect(always.nextChange(after: at("2026-12-02T10:00"), in: Self.shanghai) == nil)
  }

  @Test func shanghaisWeekdayIsNotUTCs() throws {
    let roster = OnCallRoster(entries: [try entry("wang", "mon", "00:00", "08:00")])
    // Sunday 20:00 UTC is Monday 04:00 in Shanghai (UTC+8 all year).
    #expect(onCall(roster, utc("2026-12-06T20:00")) == "wang")
    #expect(onCall(roster, utc("2026-12-07T00:00")) == nil)
  }

  @Test func berlinsNightShiftsFollowTheWallClockAcrossBothClockChanges() throws {
    let roster = OnCallRoster(entries: [try entry("weber", "sat", "20:00", "08:00")])
    // Spring: 29 March 2026, 02:00 CET → 03:00 CEST. The night is eleven hours long.
    let springStart = at("2026-03-28T20:00", Self.berlin)
    #expect(springStart == utc("2026-03-28T19:00"))
    #expect(roster.nextChange(after: springStart, in: Self.berlin) == utc("2026-03-29T06:00"))
    #expect(onCall(roster, utc("2026-03-29T05:59"), Self.berlin) == "weber")
    #expect(onCall(roster, utc("2026-03-29T06:00"), Self.berlin) == nil)
    // Autumn: 25 October 2026, 03:00 CEST → 02:00 CET. Thirteen hours.
    let autumnStart = at("2026-10-24T20:00", Self.berlin)
    #expect(autumnStart == utc("2026-10-24T18:00"))
    #expect(roster.nextChange(after: autumnStart, in: Self.berlin) == utc("2026-10-25T07:00"))
    #expect(onCall(roster, utc("2026-10-25T00:30"), Self.berlin) == "weber")  // 02:30 CEST
    #expect(onCall(roster, utc("2026-10-25T01:30"), Self.berlin) == "weber")  // 02:30 CET, the repeat
  }

  @Test func aShiftStartingInTheSkippedHourStartsWhenTheClockJumps() throws {
    let roster = OnCallRoster(entries: [try entry("weber", "sun", "02:30", "10:00")])
    // 02:30 does not exist on 29 March 2026 in Berlin: at 01:00 UTC the clock reads 03:00.
    #expect(roster.nextChange(after: utc("2026-03-29T00:00"), in: Self.berlin) == utc("2026-03-29T01:00"))
    #expect(onCall(roster, utc("2026-03-29T00:59"), Self.berlin) == nil)
    #expect(onCall(roster, utc("2026-03-29T01:00"), Self.berlin) == "weber")
  }

  @Test func weekdaysAndTimesAreReadTheWaysPeopleWriteThem() throws {
    #expect(try Weekday.parseList("mon-fri") == [.monday, .tuesday, .wednesday, .thursday, .friday])
    #expect(try Weekday.parseList("Sat, Sunday") == [.saturday, .sunday])
    #expect(try Weekday.parseList("fri-mon") == [.friday, .saturday, .sunday, .monday])
    #expect(try Weekday.parseList("daily").count == 7)
    #expect(Weekday.describe([.monday, .tuesday, .wednesday, .saturday]) == "mon-wed, sat")
    #expect(throws: RosterFieldError.self) { try Weekday.parseList("mo-fr") }
    #expect(try LocalTime(parsing: "8:05").minutes == 8 * 60 + 5)
    #expect(try LocalTime(parsing: "24:00").minutes == 0)
    for bad in ["25:00", "08:60", "0800", "8h", "24:01"] {
      #expect(throws: RosterFieldError.self, "\(bad)") { try LocalTime(parsing: bad) }
    }
  }
}
