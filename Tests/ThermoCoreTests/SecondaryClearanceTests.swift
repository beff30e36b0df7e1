import Testing

@testable import ThermoCore

/// What the secondary station's results do to an entrance's screening core, and the clinical
/// thresholds that produce them.
@Suite struct SecondaryClearanceTests {
  @Test func aClearedPersonsNextElevatedReadingIsTakenAsClearedOnceAndOpensNoRecheck() {
    var entrance = pipeline()
    let first = entrance.classify(screening(37.6, at: 0), person: "E1")
    #expect(first.screeningClass == .elevated && first.recheck?.role == .opened)
    let closed = entrance.settleRecheckAtSecondary(id: first.recheck?.id ?? 0)
    let closedAgain = entrance.settleRecheckAtSecondary(id: first.recheck?.id ?? 0)
    #expect(closed && !closedAgain, "closed once")
    entrance.clearAtSecondary(person: "E1", until: 900)

    // Someone else's elevated reading is theirs alone.
    #expect(entrance.classify(screening(37.6, at: 100), person: "E2").screeningClass == .elevated)
    let back = entrance.classify(screening(37.6, at: 200), person: "E1")
    #expect(back.screeningClass == .normal && back.reason == .clearedAtSecondary && back.recheck == nil)
    #expect(entrance.openRechecks == 1, "E2's only")
    let again = entrance.classify(screening(37.6, at: 300), person: "E1")
    #expect(again.screeningClass == .elevated && again.recheck?.role == .opened, "the pass is used up")
  }

  @Test func aPassThatRanOutIsNotHonoured() {
    var entrance = pipeline()
    entrance.clearAtSecondary(person: "E1", until: 100)
    #expect(entrance.classify(screening(37.6, at: 101), person: "E1").screeningClass == .elevated)
    #expect(entrance.secondaryClearances.count == 0)
  }

  @Test func aNormalReadingLeavesThePassForLaterAndAnonymousReadingsNeverUseIt() {
    var entrance = pipeline()
    entrance.clearAtSecondary(person: "E1", until: 900)
    #expect(entrance.classify(screening(36.5, at: 10), person: "E1").reason == .belowThreshold)
    #expect(entrance.classify(screening(37.6, at: 20), person: nil).screeningClass == .elevated)
    #expect(entrance.classify(screening(37.6, at: 30), person: "E1").reason == .clearedAtSecondary)
  }

  @Test func eachMethodSettlesByItsOwnThreshold() throws {
    let thresholds = ClinicalThresholds.default
    #expect(try thresholds.settle(method: .oral, valueC: 37.4) == .cleared)
    #expect(try thresholds.settle(method: .oral, valueC: 37.5) == .feverConfirmed)
    #expect(try thresholds.settle(method: .axillary, valueC: 37.3) == .feverConfirmed)
    #expect(try thresholds.settle(method: .ear, valueC: 37.7) == .cleared)
    #expect(try thresholds.settle(method: .foreheadContact, valueC: 37.5) == .feverConfirmed)
    #expect(throws: ClinicalReadingError.implausible(valueC: 60, range: ClinicalThresholds.plausibleReadingC)) {
      try thresholds.settle(method: .oral, valueC: 60)
    }
    #expect(throws: ClinicalReadingError.self) { try thresholds.settle(method: .oral, valueC: .nan) }
    let site = try ClinicalThresholds(overrides: [.oral: 37.3])
    #expect(try site.settle(method: .oral, valueC: 37.4) == .feverConfirmed)
    #expect(site.threshold(for: .ear) == 37.8)
    #expect(throws: ScreeningConfigurationError.self) { try ClinicalThresholds(overrides: [.ear: 40.5]) }
  }
}
