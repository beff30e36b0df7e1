import Testing
import ThermoTools

@Suite struct ReadingParserTests {
  func parseAll(_ text: String) -> [Result<ReadingRow, InputError>] {
    var parser = ReadingParser(source: "in.csv")
    var results: [Result<ReadingRow, InputError>] = []
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      if let result = parser.parse(line: line, lineNumber: index + 1) { results.append(result) }
    }
    return results
  }

  @Test func csvRowsWithOptionalFieldsInAnyColumnOrder() throws {
    let results = parseAll(
      """
      time,entrance,object_c,ambient_c,person,device
      12.5,north,35.2,22.1,W-1,mcp-1
      2026-11-28T08:00:01.250Z,"south, main",36.0,21.0,,
      """)
    #expect(results.count == 2)
    let first = try results[0].get()
    #expect(
      first
        == ReadingRow(
          line: 2, entrance: "north", time: 12.5, objectC: 35.2, ambientC: 22.1, person: "W-1", device: "mcp-1"))
    let second = try results[1].get()
    #expect(second.entrance == "south, main")
    #expect(second.time == 1_795_852_801.25)
    #expect(second.person == nil)
  }

  @Test func badRowsNameTheirLineAndFieldAndTheRestStillParse() {
    let results = parseAll(
      """
      entrance,time,object_c,ambient_c
      north,1.0,35.2,22
      north,1.1,hot,22
      north,yesterday,35.2,22
      north,1.3,35.2
      north,1.4,35.3,22
      """)
    #expect(results.count == 5)
    let errors = results.compactMap { result -> InputError? in
      if case .failure(let error) = result { return error }
      return nil
    }
    #expect(errors.map(\.line) == [3, 4, 5])
    #expect(errors.map(\.field) == ["object_c", "time", nil])
    #expect(errors[0].description == "in.csv:3: field 'object_c': 'hot' is not a temperature in °C")
    #expect(errors[2].message == "expected 4 fields, found 3")
    #expect((try? results[4].get())?.objectC == 35.3)
  }

  @Test func aHeaderWithoutARequiredColumnIsOneErrorNotOnePerRow() {
    let results = parseAll("entrance,time,object\nnorth,1,35\nnorth,2,35")
    #expect(results.count == 1)
    guard case .failure(let error)? = results.first else {
      Issue.record("expected a header error")
      return
    }
    #expect(error.line == 1)
    #expect(error.field == "object_c")
    #expect(error.message.hasSuffix("no rows were read"))
  }

  @Test func aByteOrderMarkBeforeTheHeaderIsIgnored() throws {
    let results = parseAll("\u{FEFF}entrance,time,object_c,ambient_c\nnorth,1,35,22")
    #expect(results.count == 1)
    #expect(try results[0].get().entrance == "north")
  }

  @Test func wholeNumbersInJSONKeepTheirIntegerSpelling() throws {
    let results = parseAll(#"{"entrance":7,"time":1,"object_c":35,"ambient_c":22,"person":42}"#)
    let row = try #require(try results.first?.get())
    #expect(row.entrance == "7")
    #expect(row.person == "42")
  }

  @Test func jsonLinesWithNumbersStringsAndFlags() throws {
    let results = parseAll(
      """
      {"entrance":"north","time":"2026-11-28T08:00:00Z","object_c":35.5,"ambient_c":22,"person":"W-9","sensor_error":true}
      {"entrance":"north","time":3,"object_c":"35.5","ambient_c":22}
      {"entrance":"north","time":3,"object_c":[1],"ambient_c":22}
      not json
      """)
    #expect(results.count == 4)
    let first = try results[0].get()
    #expect(first.sensorError)
    #expect(first.person == "W-9")
    #expect(try results[1].get().objectC == 35.5)
    if case .failure(let error) = results[2] {
      #expect(error.field == "object_c")
    } else {
      Issue.record("an array must be refused")
    }
    if case .failure(let error) = results[3] { #expect(error.line == 4) } else { Issue.record("garbage accepted") }
  }

  @Test func numbersTooLargeToBeExactAndNonObjectsAreRefused() {
    let results = parseAll(
      """
      {"entrance":"n","time":1,"object_c":35,"ambient_c":22,"person":9007199254740993}
      [1,2]
      """)
    guard case .failure(let large) = results[0], case .failure(let array) = results[1] else {
      Issue.record("accepted \(results)")
      return
    }
    #expect(large.field == "person")
    #expect(large.message.contains("write it as a string"))
    #expect(array.field == nil)
    #expect(array.message == "not a JSON object of fields")
  }
}
