import Testing
import ThermoCore

@testable import ThermoStore

@Suite struct ScreeningRegisterTests {
  func decision(at time: Double, class screeningClass: ScreeningClass = .normal, person: String? = "E12345") -> Decision
  {
    Decision(
      time: time, screeningClass: screeningClass, reason: .belowThreshold, person: person, rawObjectC: 35.2,
      skinC: 35.3, ambientC: 22.1, bodyC: 36.9, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
      guardBandC: 0.1, calibrationID: "cal-7", bodyModelVersion: BodyModel.foreheadMaxV1.version,
      recheck: RecheckLink(id: 3, role: .opened, openedAt: time, deadline: time + 300), sampleCount: 12)
  }

  @Test func everyFieldOfAScreeningIsRegisteredAndReadBack() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let entry = RegisterEntry(decision: decision(at: 100), entrance: "north", device: "sim:mlx90614", policy: .plain)
    let ids = try store.register([entry])
    var expected = entry
    expected.id = ids.first
    #expect(try store.screenings() == [expected])
    #expect(expected.recheckRole == "opened")
    #expect(expected.person == "E12345")
  }

  @Test func hashedIDsAreStableKeyedAndNotTheID() {
    let policy = PersonIDPolicy.hashed(key: Array("site secret".utf8))
    let token = policy.protect("E12345")
    #expect(token == policy.protect("E12345"))
    #expect(token != PersonIDPolicy.hashed(key: Array("other site".utf8)).protect("E12345"))
    #expect(token?.hasPrefix("h:") == true && token?.count == 66)
    #expect(token?.contains("E12345") == false)
    #expect(PersonIDPolicy.omitted.protect("E12345") == nil)
    #expect(policy.protect(nil) == nil)
  }

  @Test func exportTakesATimeRangeAndRetentionPurgesOnlyWhatIsOld() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register(
      (0..<10).map {
        RegisterEntry(decision: decision(at: Double($0) * 100), entrance: "north", device: nil, policy: .omitted)
      })
    #expect(try store.screenings(since: 200, until: 500).map(\.time) == [200, 300, 400])
    // An old alert still waiting for a delivery must survive the purge; an old closed one goes.
    let routing = RoutingDecision(sinks: ["webhook"], escalateTo: [], escalateAfter: nil)
    _ = try store.accept(
      Alert(kind: .fever, entrance: "north", raisedAt: 50, summary: "", screeningID: 1), routing: routing)
    _ = try store.accept(
      Alert(kind: .fever, entrance: "north", raisedAt: 60, summary: "", screeningID: 2), routing: routing)
    let closed = try #require(try store.dueDeliveries(sink: "webhook", now: 100).first { $0.alertID == 2 })
    try store.record(.delivered, for: closed, at: 61, retry: RetryPolicy(), random: 0)
    _ = try store.acknowledge(id: 2, by: "guard", at: 62)
    #expect(try store.purge(olderThan: 450) == 5)
    #expect(try store.screenings().map(\.time) == [500, 600, 700, 800, 900])
    #expect(try store.alerts().map(\.id) == [1])
  }
}
