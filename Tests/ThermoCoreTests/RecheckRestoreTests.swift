import Testing

@testable import ThermoCore

/// Re-checks carried over a restart: the returning person is still linked to their check.
@Suite struct RecheckRestoreTests {
  @Test func aRestoredRecheckIsConfirmedForItsPersonAndNumberingGoesOn() {
    var pipeline = EntrancePipeline()
    pipeline.restoreRechecks(
      [OpenRecheck(id: 41, person: "h:stored", openedAt: 100, deadline: 700, bodyC: 37.8)], lastID: 41)
    #expect(pipeline.openRecheckWindows.map(\.id) == [41])
    pipeline.relinkRecheck(person: "h:stored", to: "E1")
    let confirmed = pipeline.classify(Screening(time: 200, rawObjectC: 37.2, ambientC: 22), person: "E1")
    #expect(confirmed.screeningClass == .fever)
    #expect(confirmed.recheck?.id == 41)
    let next = pipeline.classify(Screening(time: 300, rawObjectC: 37.2, ambientC: 22), person: "E2")
    #expect(next.recheck?.id == 42, "numbering goes on from the record")
  }
}
