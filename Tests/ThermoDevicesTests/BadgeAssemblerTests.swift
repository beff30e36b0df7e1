import Testing

@testable import ThermoDevices

@Suite struct BadgeAssemblerTests {
  /// Types `text` then Enter, one key every `step` seconds from `start`; returns every output.
  func type(_ text: String, into assembler: inout BadgeAssembler, from start: Double = 100, step: Double = 0.01)
    -> [BadgeAssembler.Output]
  {
    var outputs: [BadgeAssembler.Output] = []
    var time = start
    for key in text.map(BadgeKey.character) + [.enter] {
      if let output = assembler.accept(key, at: time) { outputs.append(output) }
      time += step
    }
    return outputs
  }

  @Test func oneIDPerEnter() {
    var assembler = BadgeAssembler()
    #expect(type("0004567890", into: &assembler) == [.badge("0004567890")])
    #expect(type("AB12", into: &assembler, from: 200) == [.badge("AB12")])
    #expect(!assembler.isTyping)
  }

  @Test func emptyLinesAreIgnored() {
    var assembler = BadgeAssembler()
    #expect(assembler.accept(.enter, at: 1) == nil)
    #expect(assembler.accept(.enter, at: 1.01) == nil)
    #expect(type("42", into: &assembler, from: 2) == [.badge("42")])
  }

  @Test func anOverLongLineIsRejectedAndTheNextLineReadsNormally() {
    var assembler = BadgeAssembler(maximumLength: 8)
    #expect(type("12345678", into: &assembler) == [.badge("12345678")])
    #expect(type("123456789", into: &assembler, from: 200) == [.rejected(.tooLong(length: 9, limit: 8))])
    #expect(
      type(String(repeating: "7", count: 10_000), into: &assembler, from: 300, step: 0.0001)
        == [.rejected(.tooLong(length: 10_000, limit: 8))])
    #expect(type("87654321", into: &assembler, from: 400) == [.badge("87654321")])
    #expect(BadgeAssembler.Rejection.tooLong(length: 9, limit: 8).description.contains("longer than 8"))
  }

  @Test func aHalfTypedIDIsDiscardedAfterTheGap() {
    var assembler = BadgeAssembler(characterGap: 0.5)
    #expect(assembler.accept(.character("1"), at: 10) == nil)
    #expect(assembler.accept(.character("2"), at: 10.4) == nil)
    #expect(assembler.isTyping)
    // 0.6 s later a new card starts: the old digits go, the new ones stand alone.
    #expect(assembler.accept(.character("9"), at: 11.0) == .rejected(.abandoned(length: 2)))
    #expect(assembler.accept(.character("8"), at: 11.01) == nil)
    #expect(assembler.accept(.enter, at: 11.02) == .badge("98"))
  }

  @Test func anEnterAfterTheGapReportsTheDiscardNotAnID() {
    var assembler = BadgeAssembler(characterGap: 0.5)
    _ = assembler.accept(.character("5"), at: 1)
    #expect(assembler.accept(.enter, at: 2) == .rejected(.abandoned(length: 1)))
    #expect(!assembler.isTyping)
    #expect(assembler.accept(.enter, at: 2.01) == nil)
  }

  @Test func expiringOnATimeoutDropsTheStalePartialWithoutAKey() {
    var assembler = BadgeAssembler(characterGap: 0.5)
    _ = assembler.accept(.character("5"), at: 1)
    #expect(assembler.expire(at: 1.4) == nil)
    #expect(assembler.isTyping)
    #expect(assembler.expire(at: 1.6) == .rejected(.abandoned(length: 1)))
    #expect(assembler.expire(at: 5) == nil)
    #expect(type("66", into: &assembler, from: 6) == [.badge("66")])
  }

  @Test func aKeyExactlyAtTheGapStillBelongsToTheID() {
    var assembler = BadgeAssembler(characterGap: 0.5)
    _ = assembler.accept(.character("1"), at: 1)
    #expect(assembler.accept(.character("2"), at: 1.5) == nil)
    #expect(assembler.accept(.enter, at: 2.0) == .badge("12"))
  }
}
