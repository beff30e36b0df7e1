import Foundation
import Testing
import ThermoCore

@testable import ThermoStore

/// The secondary station's record: cases opened with their screening, settled once, and what
/// the register, the recovery and the retention make of them.
@Suite struct SecondaryRegisterTests {
  let thresholds = ClinicalThresholds.default

  func entry(
    at time: Double, _ screeningClass: ScreeningClass, person: String?, recheck: (Int, RecheckLink.Role)?,
    entrance: String = "north"
  ) -> RegisterEntry {
    let decision = Decision(
      time: time, screeningClass: screeningClass, reason: .atOrAboveThreshold, person: person, rawObjectC: 36.4,
      skinC: 36.5, ambientC: 22.0, bodyC: 37.6, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
      guardBandC: 0.1, calibrationID: "cal-1", bodyModelVersion: BodyModel.foreheadMaxV1.version,
      recheck: recheck.map { RecheckLink(id: $0.0, role: $0.1, openedAt: time, deadline: time + 600) },
      sampleCount: 10)
    return RegisterEntry(decision: decision, entrance: entrance, device: "sim", policy: .plain)
  }

  func readingCount(_ store: AlertStore) throws -> Int {
    try store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM clinical_reading") ?? -1 }
  }

  @Test func anElevatedScreeningOpensACaseAndItsInfraredRecheckSettlesIt() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let ids = try store.register([
      entry(at: 100, .elevated, person: "E1", recheck: (1, .opened)),
      entry(at: 101, .elevated, person: "E2", recheck: (2, .opened)),
      entry(at: 102, .normal, person: "E3", recheck: nil),
    ])
    let waiting = try store.secondaryCases(statuses: [.waiting])
    #expect(waiting.map(\.person) == ["E1", "E2"])
    #expect(waiting.first?.screeningID == ids[0] && waiting.first?.infraredBodyC == 37.6)

    try store.register([
      entry(at: 300, .normal, person: "E1", recheck: (1, .cleared)),
      entry(at: 310, .fever, person: "E2", recheck: (2, .confirmed)),
    ])
    let settled = try store.secondaryCases()
    #expect(settled.map(\.status) == [.cleared, .fever])
    #expect(settled.allSatisfy { $0.settledHow == .infraredRecheck && $0.passUntil == nil })
    // A fever the gate confirmed takes no clinical reading: the doctor has it.
    #expect(throws: SecondaryError.settled(caseID: settled[1].id, status: "fever", how: "infrared_recheck")) {
      try store.recordClinicalReading(
        caseID: settled[1].id, method: .oral, valueC: 36.5, by: "Nurse Wu", device: nil, at: 400,
        thresholds: thresholds, passValidity: 1800)
    }
    // The register's rows carry the outcome, the fever's too.
    let rows = try store.screenings()
    #expect(rows.map { $0.secondary?.status } == ["cleared", "fever", nil, "cleared", "fever"])
  }

  @Test func aClinicalReadingSettlesByItsMethodsThresholdAndBadReadingsChangeNothing() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([
      entry(at: 100, .elevated, person: "E1", recheck: (1, .opened)),
      entry(at: 101, .elevated, person: "E2", recheck: (2, .opened)),
    ])
    let cases = try store.secondaryCases()
    func record(_ id: Int64, _ method: ClinicalMethod, _ value: Double, by: String = "Nurse Wu") throws(SecondaryError)
      -> SecondaryCase
    {
      try store.recordClinicalReading(
        caseID: id, method: method, valueC: value, by: by, device: "MC-246", at: 200, thresholds: thresholds,
        passValidity: 900)
    }
    #expect(throws: SecondaryError.self) { try record(cases[0].id, .oral, 60) }
    #expect(throws: SecondaryError.self) { try record(cases[0].id, .oral, 20) }
    #expect(throws: SecondaryError.invalid("by: who took the reading is required")) {
      try record(cases[0].id, .oral, 36.8, by: "  ")
    }
    #expect(throws: SecondaryError.notFound(caseID: 99)) { try record(99, .oral, 36.8) }
    #expect(try readingCount(store) == 0)
    #expect(try store.secondaryCases(statuses: [.waiting]).count == 2, "nothing changed")

    // 37.4 axillary is a fever (37.3), 37.4 oral is not (37.5).
    let cleared = try record(cases[0].id, .oral, 37.4)
    #expect(cleared.status == .cleared && cleared.passUntil == 1100 && cleared.reading?.thresholdC == 37.5)
    let fever = try record(cases[1].id, .axillary, 37.4)
    #expect(fever.status == .fever && fever.passUntil == nil && fever.reading?.method == .axillary)
    #expect(throws: SecondaryError.settled(caseID: cases[0].id, status: "cleared", how: "clinical")) {
      try record(cases[0].id, .oral, 38.0)
    }
    #expect(try readingCount(store) == 2)

    // The entrance's work: the unused pass, the fever without its alert yet.
    let work = try store.secondaryWork(entrance: "north", now: 300, since: 0)
    #expect(work.map(\.id) == [cases[0].id, cases[1].id])
    try store.usePass(caseID: cases[0].id, at: 310)
    try store.noteFeverAlert(caseID: cases[1].id, alertID: 42)
    #expect(try store.secondaryWork(entrance: "north", now: 400, since: 250).isEmpty)
  }

  @Test func aDispositionIsForAConfirmedFeverOnceAndAcknowledgesItsAlert() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([entry(at: 100, .elevated, person: "E1", recheck: (1, .opened))])
    let id = try #require(try store.secondaryCases().first?.id)
    #expect(throws: SecondaryError.self) {
      try store.recordDisposition(caseID: id, disposition: .sentHome, notes: nil, by: "Dr Li", at: 150)
    }
    _ = try store.recordClinicalReading(
      caseID: id, method: .ear, valueC: 38.4, by: "Nurse Wu", device: nil, at: 200, thresholds: thresholds,
      passValidity: 900)
    let alert = Alert(
      kind: .fever, entrance: "north", raisedAt: 200, summary: "FEVER", screeningID: try store.screenings().first?.id)
    guard case .accepted(let alertID, _) = try store.accept(alert, routing: RoutingDecision(sinks: ["log"])) else {
      Issue.record("the alert was not accepted")
      return
    }
    try store.noteFeverAlert(caseID: id, alertID: alertID)
    let disposed = try store.recordDisposition(
      caseID: id, disposition: .takenToHospital, notes: "ambulance 120", by: "Dr Li", at: 300)
    #expect(disposed.disposition == .takenToHospital && disposed.dispositionNotes == "ambulance 120")
    #expect(try store.alert(id: alertID)?.acknowledgedBy == "Dr Li")
    #expect(throws: SecondaryError.self) {
      try store.recordDisposition(caseID: id, disposition: .isolated, notes: nil, by: "Dr Li", at: 310)
    }
    #expect(try store.secondaryCases().first?.disposition == .takenToHospital)
    #expect(try store.screenings().first?.secondary?.disposition == "taken_to_hospital")
    let counts = try store.secondaryCounts(since: 0)
    #expect(
      counts == [
        SecondaryCount(
          entrance: "north", status: "fever", settledHow: "clinical", disposition: "taken_to_hospital", count: 1)
      ])
  }

  @Test func aDispositionRecordedBeforeTheAlertLeavesNothingToCallAndAcknowledgesALateOne() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let guardSent = try store.sendToSecondary(entrance: "north", person: "E7", note: nil, by: "Guard Zhao", at: 100)
    _ = try store.recordClinicalReading(
      caseID: guardSent, method: .oral, valueC: 38.3, by: "Nurse Wu", device: nil, at: 200, thresholds: thresholds,
      passValidity: 900)
    #expect(try store.secondaryWork(entrance: "north", now: 210, since: 1000).map(\.id) == [guardSent])
    _ = try store.recordDisposition(caseID: guardSent, disposition: .sentHome, notes: nil, by: "Dr Li", at: 220)
    #expect(try store.secondaryWork(entrance: "north", now: 230, since: 1000).isEmpty, "the doctor has them")
    // An alert raised while the disposition was being recorded is acknowledged by it.
    let alert = Alert(kind: .fever, entrance: "north", raisedAt: 200, summary: "FEVER")
    guard case .accepted(let alertID, _) = try store.accept(alert, routing: RoutingDecision(sinks: ["log"])) else {
      Issue.record("the alert was not accepted")
      return
    }
    try store.noteFeverAlert(caseID: guardSent, alertID: alertID)
    #expect(try store.alert(id: alertID)?.acknowledgedBy == "Dr Li")
  }

  @Test func aClinicalReadingOutranksTheInfraredRecheckThatClearedTheCase() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([
      entry(at: 100, .elevated, person: nil, recheck: (1, .opened)),
      entry(at: 101, .elevated, person: "E2", recheck: (2, .opened)),
      // Someone else without an ID reads normal at the gate: the anonymous re-check clears.
      entry(at: 150, .normal, person: nil, recheck: (1, .cleared)),
      entry(at: 160, .fever, person: "E2", recheck: (2, .confirmed)),
    ])
    let cases = try store.secondaryCases()
    #expect(cases.map(\.status) == [.cleared, .fever])
    let settled = try store.recordClinicalReading(
      caseID: cases[0].id, method: .oral, valueC: 38.5, by: "Nurse Wu", device: nil, at: 300, thresholds: thresholds,
      passValidity: 900)
    #expect(settled.status == .fever && settled.settledHow == .clinical)
    #expect(throws: SecondaryError.self, "a fever the gate confirmed goes to the doctor, not back to the station") {
      try store.recordClinicalReading(
        caseID: cases[1].id, method: .oral, valueC: 36.5, by: "Nurse Wu", device: nil, at: 300,
        thresholds: thresholds, passValidity: 900)
    }
  }

  @Test func usingAPassUsesEveryPassOfThatPersonAtThatEntrance() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([entry(at: 100, .elevated, person: "E1", recheck: (1, .opened))])
    let sent = try store.sendToSecondary(entrance: "north", person: "E1", note: nil, by: "Guard Zhao", at: 110)
    let south = try store.sendToSecondary(entrance: "south", person: "E1", note: nil, by: "Guard Zhao", at: 120)
    for found in try store.secondaryCases() {
      _ = try store.recordClinicalReading(
        caseID: found.id, method: .oral, valueC: 36.6, by: "Nurse Wu", device: nil, at: 200, thresholds: thresholds,
        passValidity: 900)
    }
    #expect(try store.secondaryWork(entrance: "north", now: 300, since: 1000).count == 2)
    try store.usePass(caseID: sent, at: 310)
    #expect(try store.secondaryWork(entrance: "north", now: 320, since: 1000).isEmpty, "one passage, not two")
    #expect(try store.secondaryWork(entrance: "south", now: 320, since: 1000).map(\.id) == [south])
  }

  @Test func theElevatedAlertClosesWhenTheCaseIsSettled() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let ids = try store.register([
      entry(at: 100, .elevated, person: "E1", recheck: (1, .opened)),
      entry(at: 101, .elevated, person: "E2", recheck: (2, .opened)),
    ])
    var alertIDs: [Int64] = []
    for (index, screening) in ids.enumerated() {
      let alert = Alert(
        kind: .elevated, entrance: "north", raisedAt: 100 + Double(index), summary: "Elevated", screeningID: screening)
      guard case .accepted(let id, _) = try store.accept(alert, routing: RoutingDecision(sinks: ["log"])) else {
        Issue.record("the alert was not accepted")
        return
      }
      alertIDs.append(id)
    }
    try store.register([entry(at: 300, .normal, person: "E1", recheck: (1, .cleared))])
    #expect(try store.alert(id: alertIDs[0])?.resolvedAt == 300, "settled at the gate")
    #expect(try store.alert(id: alertIDs[1])?.resolvedAt == nil)
    let second = try #require(try store.secondaryCases(statuses: [.waiting]).first?.id)
    _ = try store.recordClinicalReading(
      caseID: second, method: .oral, valueC: 36.7, by: "Nurse Wu", device: nil, at: 400, thresholds: thresholds,
      passValidity: 900)
    #expect(try store.alert(id: alertIDs[1])?.resolvedAt == 400, "settled at the station")
  }

  @Test func aRecheckSettledAtTheStationIsNotRestoredAfterARestart() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([
      entry(at: 100, .elevated, person: "E1", recheck: (1, .opened)),
      entry(at: 101, .elevated, person: "E2", recheck: (2, .opened)),
    ])
    let first = try #require(try store.secondaryCases().first)
    _ = try store.recordClinicalReading(
      caseID: first.id, method: .oral, valueC: 36.9, by: "Nurse Wu", device: nil, at: 150, thresholds: thresholds,
      passValidity: 900)
    #expect(try store.openRechecks(since: 0).map(\.id) == [2])
  }

  @Test func retentionTakesTheCasesAndTheirReadings() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([entry(at: 100, .elevated, person: "E1", recheck: (1, .opened))])
    let id = try store.sendToSecondary(entrance: "south", person: nil, note: "pale", by: "Guard Zhao", at: 5000)
    let first = try #require(try store.secondaryCases().first)
    _ = try store.recordClinicalReading(
      caseID: first.id, method: .oral, valueC: 36.9, by: "Nurse Wu", device: nil, at: 150, thresholds: thresholds,
      passValidity: 900)
    _ = try store.purge(olderThan: 1000)
    #expect(try store.secondaryCases().map(\.id) == [id])
    #expect(try readingCount(store) == 0)
  }
}
