import Foundation
import GRDB
import Testing

@testable import ThermoStore

@Suite struct EmergencyReleaseTests {
  @Test func startClearAndActiveAreKeptAcrossReopeningTheFile() throws {
    let path = temporaryDatabase()
    do {
      let store = try AlertStore(path: path)
      #expect(try store.activeEmergencyReleases().isEmpty)
      let north = try store.startEmergencyRelease(entrance: "north", by: "Guard Wu", reason: "fire alarm", at: 1000)
      let all = try store.startEmergencyRelease(entrance: nil, by: "Duty Li", reason: " evacuation ", at: 1010)
      #expect(
        try store.activeEmergencyReleases()
          == [
            EmergencyRelease(
              id: north, entrance: "north", startedAt: 1000, startedBy: "Guard Wu", reason: "fire alarm"),
            EmergencyRelease(id: all, entrance: nil, startedAt: 1010, startedBy: "Duty Li", reason: "evacuation"),
          ])
    }

    // A restart finds them in force.
    let store = try AlertStore(path: path)
    let active = try store.activeEmergencyReleases()
    #expect(active.map(\.startedBy) == ["Guard Wu", "Duty Li"])
    #expect(active[1].covers("south") && active[0].covers("north") && !active[0].covers("south"))
    let before = try store.emergencyReleaseState().version

    // Clearing one entrance ends its own release, not the release of every entrance.
    #expect(try store.clearEmergencyRelease(entrance: "north", by: "Guard Wu", at: 1100) == 1)
    #expect(try store.activeEmergencyReleases().map(\.entrance) == [nil])
    #expect(try store.clearEmergencyRelease(entrance: "north", by: "Guard Wu", at: 1101) == 0)
    #expect(try store.emergencyReleaseState().version > before)
    #expect(try store.clearEmergencyRelease(entrance: nil, by: "Duty Li", at: 1200) == 1)
    #expect(try store.activeEmergencyReleases().isEmpty)

    // The audit trail keeps both rows with who cleared them and when, across reopening.
    let reopened = try AlertStore(path: path)
    #expect(try reopened.activeEmergencyReleases().isEmpty)
    let rows = try reopened.database.read { db in
      try EmergencyReleaseTests.rows(db)
    }
    #expect(rows.map(\.clearedBy) == ["Guard Wu", "Duty Li"])
    #expect(rows.map(\.clearedAt) == [1100, 1200])
  }

  @Test func whoAndWhyAreRequired() throws {
    let store = try AlertStore(path: temporaryDatabase())
    #expect(throws: StoreError.self) { try store.startEmergencyRelease(entrance: nil, by: " ", reason: "fire", at: 1) }
    #expect(throws: StoreError.self) { try store.startEmergencyRelease(entrance: nil, by: "Wu", reason: "", at: 1) }
    #expect(throws: StoreError.self) { try store.clearEmergencyRelease(entrance: nil, by: "", at: 1) }
    #expect(try store.activeEmergencyReleases().isEmpty)
  }

  static func rows(_ db: GRDB.Database) throws -> [EmergencyRelease] {
    try GRDB.Row.fetchAll(db, sql: "SELECT * FROM emergency_release ORDER BY id").map(EmergencyRelease.init(row:))
  }
}
