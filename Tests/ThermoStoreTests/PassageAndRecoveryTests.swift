import Testing
import ThermoCore

@testable import ThermoStore

/// The access decisions beside the screenings, and what a restarted gateway reads back.
@Suite struct PassageAndRecoveryTests {
  func decision(
    at time: Double, _ screeningClass: ScreeningClass, person: String?, recheck: (Int, RecheckLink.Role)?
  ) -> Decision {
    Decision(
      time: time, screeningClass: screeningClass, reason: .belowThreshold, person: person, rawObjectC: 35.2,
      skinC: 35.3, ambientC: 22.1, bodyC: 37.6, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
      guardBandC: 0.1, calibrationID: "cal-7", bodyModelVersion: BodyModel.foreheadMaxV1.version,
      recheck: recheck.map { RecheckLink(id: $0.0, role: $0.1, openedAt: time, deadline: time + 600) },
      sampleCount: 12)
  }

  func entry(_ decision: Decision, at entrance: String = "north") -> RegisterEntry {
    RegisterEntry(decision: decision, entrance: entrance, device: "sim", policy: .plain)
  }

  @Test func aDecisionIsRegisteredWithItsScreeningInOneBatch() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let screening = decision(at: 100, .normal, person: "E1", recheck: nil)
    var batch = RegisterBatch()
    batch.screenings = [entry(screening)]
    let granted = AccessDecision(
      pass: 1, time: 100, outcome: .granted, reason: .normal, person: "E1", holder: .staff, screening: screening,
      mode: .access)
    let denied = AccessDecision(
      pass: 2, time: 101, outcome: .denied, reason: .unknownID, person: "X", holder: nil, screening: nil, mode: .access)
    batch.passages = [
      (PassageEntry(decision: granted, entrance: "north", policy: .plain), 0),
      (PassageEntry(decision: denied, entrance: "north", policy: .hashed(key: [1, 2, 3])), nil),
    ]
    let ids = try store.register(batch)
    let passages = try store.passages()
    #expect(passages.map(\.screeningID) == [ids.screenings[0], nil])
    #expect(passages.map(\.reason) == ["normal", "unknown_id"])
    #expect(passages[1].person?.hasPrefix("h:") == true, "person IDs follow the register's rule")
    let counts = try store.passageCounts(since: 0)
    #expect(
      counts.map { "\($0.outcome)/\($0.reason)/\($0.holder)=\($0.count)" } == [
        "denied/unknown_id/none=1", "granted/normal/staff=1",
      ])
    #expect(try store.purge(olderThan: 1000) == 1)
    #expect(try store.passages().isEmpty, "retention takes the decisions with the screenings")
  }

  @Test func openRechecksAndTheirNumberingComeBackFromTheRegister() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([
      entry(decision(at: 100, .elevated, person: "E1", recheck: (1, .opened))),
      entry(decision(at: 110, .elevated, person: "E2", recheck: (2, .opened))),
      entry(decision(at: 200, .normal, person: "E1", recheck: (1, .cleared))),
      entry(decision(at: 210, .elevated, person: "E3", recheck: (3, .opened)), at: "south"),
      entry(decision(at: 10, .elevated, person: "E9", recheck: (7, .opened))),
    ])
    let open = try store.openRechecks(since: 50)
    #expect(open.map { "\($0.entrance):\($0.id):\($0.person ?? "-")" } == ["north:2:E2", "south:3:E3"])
    #expect(try store.lastRecheckIDs() == ["north": 7, "south": 3])
  }

  @Test func anElevatedScreeningWhoseAlertWasNeverRaisedIsFound() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let ids = try store.register([
      entry(decision(at: 100, .fever, person: "E1", recheck: nil)),
      entry(decision(at: 101, .normal, person: "E2", recheck: nil)),
      entry(decision(at: 102, .elevated, person: "E3", recheck: nil)),
    ])
    _ = try store.accept(
      Alert(
        kind: .elevated, entrance: "north", device: nil, raisedAt: 102, summary: "s", details: "{}",
        screeningID: ids[2]), routing: RoutingDecision(sinks: []))
    let missing = try store.screeningsWithoutAlert(since: 0)
    #expect(missing.map(\.id) == [ids[0]])
    #expect(missing.first.flatMap { Decision(entry: $0) }?.screeningClass == .fever)
  }
}

extension PassageAndRecoveryTests {
  @Test func theExportedScreeningCarriesItsAccessDecision() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let screening = decision(at: 100, .normal, person: "E1", recheck: nil)
    var batch = RegisterBatch()
    batch.screenings = [entry(screening), entry(decision(at: 120, .normal, person: "E2", recheck: nil))]
    let granted = AccessDecision(
      pass: 1, time: 100, outcome: .granted, reason: .normal, person: "E1", holder: .visitor, screening: screening,
      mode: .access)
    batch.passages = [(PassageEntry(decision: granted, entrance: "north", policy: .plain), 0)]
    try store.register(batch)
    let messages = try store.screenings().map(ScreeningMessage.init(entry:))
    #expect(
      messages.map(\.access) == [ScreeningMessage.Access(outcome: "granted", reason: "normal", holder: "visitor"), nil])
    let text = WireJSON.string(messages[0])
    #expect(text.contains(#""access_outcome":"granted""#) && text.contains(#""access_reason":"normal""#))
  }
}
