import Foundation
import Testing
import ThermoCore

@testable import ThermoStore

@Suite struct DirectoryCSVTests {
  let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
  let header = "work_id,name,department,role,valid_from,valid_until,status"

  /// Midnight UTC of a day, shifted to Shanghai (UTC+8, no daylight saving).
  func shanghaiMidnight(_ year: Int, _ month: Int, _ day: Int) throws -> Double {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .gmt
    let utc = try #require(calendar.date(from: DateComponents(year: year, month: month, day: day)))
    return utc.timeIntervalSince1970 - 8 * 3600
  }

  func problems(_ text: String, file: String = "staff.csv") -> [String] {
    do {
      let members = try DirectoryCSV.parse(text, file: file, timeZone: shanghai)
      Issue.record("expected problems, got \(members.count) member(s)")
      return []
    } catch {
      return error.problems.map(\.description)
    }
  }

  @Test func aGoodFileWithBOMCRLFQuotedChineseNamesAndDatesIsRead() throws {
    let text =
      "\u{FEFF}\(header)\r\n"
      + "E1001,\"张伟, 工程师\",研发部,engineer,2026-01-01,2026-12-31,active\r\n"
      + "E1002,\"Li \"\"Lucky\"\" Lei\",Ops,,,,\r\n"
      + "\r\n"
      + "E1003,王芳,HR,manager,2026-03-01T09:00:00+08:00,2026-03-02T00:00:00Z,blocked\r\n"
    let members = try DirectoryCSV.parse(text, file: "staff.csv", timeZone: shanghai)
    #expect(members.count == 3)
    #expect(
      members[0]
        == StaffMember(
          workID: "E1001", name: "张伟, 工程师", department: "研发部", role: "engineer",
          validFrom: try shanghaiMidnight(2026, 1, 1), validUntil: try shanghaiMidnight(2027, 1, 1), blocked: false))
    #expect(members[1] == StaffMember(workID: "E1002", name: "Li \"Lucky\" Lei", department: "Ops"))
    #expect(members[2].blocked)
    #expect(members[2].validFrom == (try shanghaiMidnight(2026, 3, 1)) + 9 * 3600)
    #expect(members[2].validUntil == (try shanghaiMidnight(2026, 3, 2)) + 8 * 3600)
  }

  @Test func aQuotedFieldMaySpanLinesAndLaterLinesKeepTheirNumbers() throws {
    let text = "\(header)\nE1,\"two\nlines\",,,,,\nE2,,,,2026-13-01,,\n"
    #expect(
      problems(text) == [
        "staff.csv:4: field valid_from: '2026-13-01' is not a date (ISO 8601, e.g. 2026-12-31)"
      ])
    let good = try DirectoryCSV.parse("\(header)\nE1,\"two\nlines\",,,,,\n", file: "f", timeZone: shanghai)
    #expect(good.map(\.name) == ["two\nlines"])
  }

  @Test func aDateOnlyValidUntilRunsThroughTheEndOfThatDay() throws {
    let members = try DirectoryCSV.parse("\(header)\nE1,,,,2026-12-31,2026-12-31,\n", file: "f", timeZone: shanghai)
    let member = try #require(members.first)
    let directory = AccessDirectory(staff: members)
    let lastSecond = try shanghaiMidnight(2027, 1, 1) - 1
    #expect(member.validUntil == (try shanghaiMidnight(2027, 1, 1)))
    #expect(directory.check("E1", atWall: lastSecond).isValid)
    #expect(directory.check("E1", atWall: lastSecond + 1).refusal == .expiredID)
    #expect(directory.check("E1", atWall: try shanghaiMidnight(2026, 12, 31) - 1).refusal == .notYetValid)
  }

  @Test func everyBadRowIsNamedWithItsLineAndField() {
    let text = """
      \(header)
      E1,Ann,,,,,
      ,Bob,,,,,
      E3,Cy,,,2026-02-30,,
      E4,Di,,,,2026-13-01,
      E1,Ann again,,,,,
      E6,Ed,,,2026-06-01,2026-01-01,
      E7,Fay,,,,,retired
      E8,Gus,,
      E9,Hal,,,2026-01-01T08:00:00,,
      E10,"Ivy,,,,,
      """
    #expect(
      problems(text) == [
        "staff.csv:3: field work_id: is empty (every row needs the ID the badge reader gives)",
        "staff.csv:4: field valid_from: '2026-02-30' is not a date (ISO 8601, e.g. 2026-12-31)",
        "staff.csv:5: field valid_until: '2026-13-01' is not a date (ISO 8601, e.g. 2026-12-31)",
        "staff.csv:6: field work_id: 'E1' appears twice (lines 2 and 6)",
        "staff.csv:7: field valid_until: '2026-01-01' is not after valid_from '2026-06-01'",
        "staff.csv:8: field status: 'retired' is not a status (active or blocked; empty means active)",
        "staff.csv:9: expected 7 fields (\(header)), found 4",
        "staff.csv:10: field valid_from: '2026-01-01T08:00:00' has no time zone (end it with Z or an offset like +08:00)",
        "staff.csv:11: field name: the quote opened here is never closed",
      ])
  }

  @Test func quotingMistakesAreNamed() {
    #expect(
      problems("\(header)\nE1,Ann \"A\",,,,,\nE2,\"Bo\"b,,,,,\n") == [
        "staff.csv:2: field name: a quote inside an unquoted field (quote the field and write the quote as \"\")",
        "staff.csv:3: field name: text after the closing quote (a quote inside a field is written \"\")",
      ])
  }

  @Test func aMissingOrWrongHeaderIsTheOneProblem() {
    let expected = "staff.csv:1: the header must be exactly \(header)"
    #expect(problems("") == [expected])
    #expect(problems("E1,Ann,,,,,\n") == [expected])
    #expect(problems("work_id,name,department,role,valid_from,valid_until\nE1,Ann,,,,\n") == [expected])
  }

  @Test func aHeaderAloneIsAnEmptyDirectory() throws {
    #expect(try DirectoryCSV.parse("\(header)\r\n", file: "f", timeZone: shanghai).isEmpty)
  }
}
