import Testing

@testable import ThermoCore

@Suite struct AdaptiveBaselineTests {
  var adaptive: ThresholdPolicy {
    get throws { try ThresholdPolicy(mode: .adaptive(offsetC: 1.0, idleReset: 1800), guardBandC: 0) }
  }

  @Test func trimmedMeanDropsTheHighestAndLowestOfTen() {
    var baseline = AdaptiveBaseline()
    let values = [36.1, 36.2, 36.3, 36.4, 36.5, 36.6, 36.7, 36.8, 36.9, 35.0]
    for value in values.dropLast() { baseline.record(value) }
    #expect(baseline.baselineC == nil)
    baseline.record(values.last!)
    let expected = (values.reduce(0, +) - 35.0 - 36.9) / 8
    #expect(abs((baseline.baselineC ?? 0) - expected) < 1e-12)
    baseline.record(37.0)  // pushes 36.1 out
    let rolled = (values.dropFirst().reduce(0, +) + 37.0 - 35.0 - 37.0) / 8
    #expect(abs((baseline.baselineC ?? 0) - rolled) < 1e-12)
  }

  @Test func theFixedThresholdAppliesUntilTenNormalsExist() throws {
    var entrance = pipeline(threshold: try adaptive)
    // The first person is not assumed normal: 37.4 is elevated under the fixed 37.3.
    #expect(entrance.classify(screening(37.4, at: 0), person: "first").screeningClass == .elevated)
    for index in 0..<9 {
      let decision = entrance.classify(
        screening(35.0 + Double(index) * 0.01, at: Double(index + 1)), person: "p\(index)")
      #expect(decision.thresholdSource == .fixed)
      #expect(decision.thresholdC == 37.3)
    }
    _ = entrance.classify(screening(35.05, at: 10), person: "p9")
    let next = entrance.classify(screening(36.2, at: 11), person: "p10")
    #expect(next.thresholdSource == .baseline)
    let normals = ((0..<9).map { 35.0 + Double($0) * 0.01 } + [35.05]).sorted()
    let expected = normals.dropFirst().dropLast().reduce(0, +) / 8
    #expect(abs((next.baselineC ?? 0) - expected) < 1e-9)
    #expect(abs(next.thresholdC - (expected + 1.0)) < 1e-9)
    #expect(next.screeningClass == .elevated)
  }

  @Test func onlyPlainNormalsEnterTheBaseline() throws {
    var entrance = pipeline(threshold: try adaptive)
    _ = entrance.classify(screening(37.5, at: 0), person: "hot")  // elevated
    _ = entrance.classify(screening(32.0, at: 1), person: "cold")  // retry
    _ = entrance.classify(screening(50.0, at: 2), person: "bad")  // fault
    _ = entrance.classify(screening(36.0, at: 3), person: "hot")  // cleared re-check
    #expect(entrance.baseline.count == 0)
    _ = entrance.classify(screening(36.0, at: 4), person: "fine")
    #expect(entrance.baseline.count == 1)
  }

  @Test func theBaselineResetsAfterIdleTime() throws {
    var entrance = pipeline(threshold: try adaptive)
    for index in 0..<10 { _ = entrance.classify(screening(35.0, at: Double(index)), person: nil) }
    #expect(entrance.baseline.baselineC == 35.0)
    let afterPause = entrance.classify(screening(36.5, at: 9 + 1801), person: nil)
    #expect(afterPause.thresholdSource == .fixed)
    #expect(afterPause.screeningClass == .normal)
    #expect(entrance.baseline.count == 1)
  }
}

@Suite struct RecheckTests {
  @Test func aRecheckWhoseMeanReachesTheConfirmLevelIsAFever() throws {
    var entrance = pipeline()
    let first = entrance.classify(screening(37.6, at: 0), person: "W-7")
    #expect(first.screeningClass == .elevated)
    #expect(first.recheck?.role == .opened)
    #expect(first.recheck?.deadline == 600)
    // Someone else passes meanwhile; their screening does not touch W-7's re-check.
    #expect(entrance.classify(screening(36.0, at: 60), person: "W-8").recheck == nil)
    let second = entrance.classify(screening(37.5, at: 300), person: "W-7")
    #expect(second.screeningClass == .fever)
    #expect(second.reason == .confirmedByRecheck)
    let link = try #require(second.recheck)
    #expect(link.id == first.recheck?.id)
    #expect(link.role == .confirmed)
    #expect(link.openedAt == 0 && link.deadline == 600)
    // What decided it: the mean of 37.6 and 37.5 against 37.3 + 0.05.
    #expect(abs((link.meanBodyC ?? 0) - 37.55) < 1e-9)
    #expect(abs((link.confirmLevelC ?? 0) - 37.35) < 1e-9)
    #expect(entrance.openRechecks == 0)
  }

  @Test func normalOnRecheckClearsIt() {
    var entrance = pipeline()
    let first = entrance.classify(screening(37.4, at: 0), person: "W-7")
    let second = entrance.classify(screening(36.4, at: 120), person: "W-7")
    #expect(second.screeningClass == .normal)
    #expect(second.reason == .recheckCleared)
    #expect(second.recheck?.id == first.recheck?.id)
    #expect(second.recheck?.role == .cleared)
  }

  @Test func withoutAPersonTheNextScreeningAtTheEntranceIsTheRecheck() {
    var entrance = pipeline()
    _ = entrance.classify(screening(37.4, at: 0), person: nil)
    // Retries and faults do not resolve it.
    #expect(entrance.classify(screening(31.0, at: 10), person: nil).recheck == nil)
    let second = entrance.classify(screening(37.8, at: 20), person: nil)
    #expect(second.screeningClass == .fever)
  }

  @Test func anExpiredWindowIsReportedAndNoLongerLinks() {
    var entrance = pipeline(recheckWindow: 600)
    let first = entrance.classify(screening(37.4, at: 0), person: "W-7")
    #expect(entrance.nextExpiredRecheck(asOf: 600) == nil)
    let expiry = entrance.nextExpiredRecheck(asOf: 600.5)
    #expect(expiry?.id == first.recheck?.id)
    #expect(expiry?.person == "W-7")
    #expect(expiry?.deadline == 600)
    #expect(entrance.nextExpiredRecheck(asOf: 700) == nil)
    let late = entrance.classify(screening(37.4, at: 700), person: "W-7")
    #expect(late.screeningClass == .elevated)
    #expect(late.recheck?.role == .opened)
  }

  @Test func aLateScreeningDoesNotResolveAnExpiredRecheckEvenBeforeItIsReported() {
    var entrance = pipeline(recheckWindow: 600)
    _ = entrance.classify(screening(37.4, at: 0), person: "W-7")
    let late = entrance.classify(screening(37.4, at: 601), person: "W-7")
    #expect(late.screeningClass == .elevated)
    #expect(entrance.nextExpiredRecheck(asOf: 601)?.openedAt == 0)
  }

  @Test func aFullBookReportsItsOldestEntryInsteadOfDroppingIt() {
    var book = RecheckBook(window: 600, capacity: 2)
    _ = book.open(person: "a", at: 0, bodyC: 37.5)
    _ = book.open(person: "b", at: 1, bodyC: 37.5)
    _ = book.open(person: "c", at: 2, bodyC: 37.5)
    #expect(book.openCount == 3)
    #expect(book.nextExpired(asOf: 3)?.person == "a")
    #expect(book.nextExpired(asOf: 3) == nil)
    #expect(book.openCount == 2)
  }

  @Test func openWindowsListWhoMustComeBackEarliestDeadlineFirst() {
    var entrance = pipeline(recheckWindow: 600)
    let second = entrance.classify(screening(37.4, at: 100), person: "W-2")
    _ = entrance.classify(screening(37.5, at: 0), person: "W-1")
    #expect(entrance.openRecheckWindows.map(\.person) == ["W-1", "W-2"])
    #expect(entrance.openRecheckWindows.map(\.deadline) == [600, 700])
    _ = entrance.classify(screening(36.2, at: 200), person: "W-1")
    #expect(entrance.openRecheckWindows.map(\.person) == ["W-2"])
    #expect(entrance.openRecheckWindows.first?.bodyC == second.bodyC)
  }
}

@Suite struct RecheckIdentityTests {
  @Test func aScreeningWithAPersonNeverResolvesAnotherPersonsRecheck() {
    var entrance = pipeline()
    _ = entrance.classify(screening(37.5, at: 0), person: nil)
    let identified = entrance.classify(screening(37.5, at: 30), person: "B")
    #expect(identified.screeningClass == .elevated)
    #expect(identified.recheck?.role == .opened)
    let anonymous = entrance.classify(screening(37.6, at: 60), person: nil)
    #expect(anonymous.screeningClass == .fever)
    let b = entrance.classify(screening(36.0, at: 90), person: "B")
    #expect(b.reason == .recheckCleared)
  }

  @Test func anOutOfOrderScreeningDoesNotResetTheBaseline() throws {
    var entrance = pipeline(threshold: try ThresholdPolicy(mode: .adaptive(offsetC: 1.0, idleReset: 1800)))
    for index in 0..<10 { _ = entrance.classify(screening(35.0, at: 5000 + Double(index)), person: nil) }
    _ = entrance.classify(screening(35.0, at: 1000), person: nil)
    let next = entrance.classify(screening(35.0, at: 5011), person: nil)
    #expect(next.thresholdSource == .baseline)
  }
}
