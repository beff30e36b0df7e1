import Testing

@testable import ThermoCore

/// The re-check confirms when it is elevated itself and the mean of both body estimates reaches
/// alarm level + confirm offset (default: refer at 37.2, confirm at a mean of 37.35); the
/// pass-through body model makes the numbers read off directly.
@Suite struct RecheckConfirmRuleTests {
  @Test func aMeanAtOrAboveTheConfirmLevelConfirmsEvenFromTheGuardBand() throws {
    var entrance = pipeline()
    #expect(entrance.classify(screening(37.25, at: 0), person: "A").reason == .withinGuardBand)
    let second = entrance.classify(screening(37.55, at: 120), person: "A")
    #expect(second.screeningClass == .fever)
    #expect(second.reason == .confirmedByRecheck)
    #expect(abs((second.recheck?.meanBodyC ?? 0) - 37.4) < 1e-9)
  }

  @Test func anElevatedRecheckWhoseMeanStaysBelowTheLevelClearsAndOpensNothing() throws {
    var entrance = pipeline()
    let first = entrance.classify(screening(37.3, at: 0), person: "A")
    #expect(first.screeningClass == .elevated)
    // 37.3 alone is at the alarm level, but the mean 37.3 is below 37.35: cleared, not a new round.
    let second = entrance.classify(screening(37.3, at: 120), person: "A")
    #expect(second.screeningClass == .normal)
    #expect(second.reason == .recheckCleared)
    let link = try #require(second.recheck)
    #expect(link.role == .cleared)
    #expect(link.id == first.recheck?.id)
    #expect(abs((link.meanBodyC ?? 0) - 37.3) < 1e-9)
    #expect(abs((link.confirmLevelC ?? 0) - 37.35) < 1e-9)
    #expect(entrance.openRechecks == 0)
    // Nor does a cleared re-check count as a normal for the baseline.
    #expect(entrance.baseline.count == 0)
    // The person's next screening is a first screening again.
    #expect(entrance.classify(screening(37.3, at: 200), person: "A").recheck?.role == .opened)
  }

  @Test func aNormalRecheckClearsEvenAfterAVeryHighFirstReading() throws {
    var entrance = pipeline()
    _ = entrance.classify(screening(38.6, at: 0), person: "A")
    // The mean 37.7 would reach 37.35, but 36.8 on its own says the first reading was not the body.
    let second = entrance.classify(screening(36.8, at: 120), person: "A")
    #expect(second.screeningClass == .normal)
    #expect(second.reason == .recheckCleared)
    let link = try #require(second.recheck)
    #expect(link.role == .cleared)
    #expect(abs((link.meanBodyC ?? 0) - 37.7) < 1e-9)
  }

  @Test func aScreeningOutsideTheWindowIsAFirstScreeningAgain() {
    var entrance = pipeline(recheckWindow: 300)
    _ = entrance.classify(screening(38.0, at: 0), person: "A")
    let late = entrance.classify(screening(38.0, at: 301), person: "A")
    #expect(late.screeningClass == .elevated)
    #expect(late.reason == .atOrAboveThreshold)
    #expect(late.recheck?.role == .opened)
    #expect(late.recheck?.meanBodyC == nil)
  }

  @Test func theConfirmOffsetIsConfigurable() throws {
    var strict = pipeline(threshold: try ThresholdPolicy(confirmOffsetC: 0.3))
    _ = strict.classify(screening(37.5, at: 0), person: "A")
    let below = strict.classify(screening(37.5, at: 60), person: "A")
    #expect(below.reason == .recheckCleared)
    #expect(abs((below.recheck?.confirmLevelC ?? 0) - 37.6) < 1e-9)
    _ = strict.classify(screening(37.6, at: 100), person: "B")
    #expect(strict.classify(screening(37.7, at: 160), person: "B").screeningClass == .fever)
  }

  @Test func theAdaptiveModeConfirmsAboveTheBaselineAlarmLevel() throws {
    let policy = try ThresholdPolicy(mode: .adaptive(offsetC: 1.0, idleReset: 1800), guardBandC: 0, confirmOffsetC: 0.2)
    var entrance = pipeline(threshold: policy)
    for index in 0..<10 { _ = entrance.classify(screening(35.0, at: Double(index)), person: "p\(index)") }
    // Alarm level 35.0 + 1.0 = 36.0; confirm level 36.2.
    let first = entrance.classify(screening(36.1, at: 20), person: "A")
    #expect(first.thresholdSource == .baseline)
    #expect(first.screeningClass == .elevated)
    let cleared = entrance.classify(screening(36.2, at: 40), person: "A")
    #expect(cleared.reason == .recheckCleared, "36.2 is elevated alone, but the mean 36.15 is below 36.2")
    #expect(abs((cleared.recheck?.confirmLevelC ?? 0) - 36.2) < 1e-9)
    _ = entrance.classify(screening(36.3, at: 60), person: "B")
    let confirmed = entrance.classify(screening(36.2, at: 80), person: "B")
    #expect(confirmed.screeningClass == .fever)
    #expect(confirmed.thresholdSource == .baseline)
    #expect(abs((confirmed.recheck?.confirmLevelC ?? 0) - 36.2) < 1e-9)
  }

  @Test(arguments: [0.0, 0.05, 0.35, 1.0])
  func confirmOffsetsOnTheHalfTenthGridAreAccepted(value: Double) throws {
    #expect(try ThresholdPolicy(confirmOffsetC: value).confirmOffsetC == value)
  }

  @Test(arguments: [-0.05, 0.03, 0.125, 1.05, Double.nan, Double.infinity])
  func otherConfirmOffsetsAreRejectedNamingTheField(value: Double) {
    do {
      _ = try ThresholdPolicy(confirmOffsetC: value)
      Issue.record("accepted \(value)")
    } catch {
      #expect(error.field == "confirm_offset_c")
      #expect(error.message.contains("0.0–1.0 °C in 0.05 °C steps"))
    }
  }

  @Test func theDefaultIsTheRuleChosenOnTheCohorts() {
    #expect(ThresholdPolicy.default.confirmOffsetC == 0.05)
    #expect(abs(ThresholdPolicy.default.confirmLevelC(alarmLevelC: 37.3) - 37.35) < 1e-9)
  }
}
