import Foundation
import GRDB
import Testing
import ThermoCore

@testable import ThermoStore

@Suite struct StaffDirectoryTests {
  let ann = StaffMember(workID: "E1", name: "Ann", department: "Ops", role: "guard")
  let bob = StaffMember(workID: "E2", name: "Bob", department: "Lab", validFrom: 1000, validUntil: 2000)
  let cy = StaffMember(workID: "E3", name: "Cy", department: "HR")

  @Test func anImportReplacesTheWholeDirectoryAndLogsWhatChanged() throws {
    let store = try AlertStore(path: temporaryDatabase())
    #expect(try store.directoryVersion() == 0)
    let first = try store.importDirectory([ann, bob], source: "staff.csv", by: "hr", at: 100)
    #expect(first == DirectoryImport(total: 2, added: 2, changed: 0, removed: 0))
    #expect(try store.staffMembers() == [ann, bob])
    #expect(try store.directoryVersion() == 1)

    var movedBob = bob
    movedBob.department = "Ops"
    movedBob.validUntil = 3000
    let second = try store.importDirectory([movedBob, cy], source: "staff-2.csv", by: "hr", at: 200)
    #expect(second == DirectoryImport(total: 2, added: 1, changed: 1, removed: 1))
    #expect(try store.staffMembers() == [movedBob, cy])
    #expect(try store.staffMember("E1") == nil)
    #expect(try store.directoryVersion() == 2)

    let log = try store.directoryChanges().map {
      "\($0.action.rawValue) \($0.workID) \($0.detail ?? "") \($0.source ?? "")"
    }
    #expect(
      log == [
        "added E1  staff.csv", "added E2  staff.csv", "changed E2 department, valid_until staff-2.csv",
        "added E3  staff-2.csv", "removed E1  staff-2.csv",
      ])
    #expect(try store.directoryChanges(workID: "E2").map(\.changedAt) == [100, 200])
    #expect(try store.directoryChanges().allSatisfy { $0.changedBy == "hr" })
  }

  @Test func anImportThatChangesNothingLeavesTheVersionAlone() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.importDirectory([ann, bob], source: "a.csv", by: nil, at: 100)
    let again = try store.importDirectory([bob, ann], source: "a.csv", by: nil, at: 200)
    #expect(again == DirectoryImport(total: 2, added: 0, changed: 0, removed: 0))
    #expect(try store.directoryVersion() == 1)
    #expect(try store.directoryChanges().count == 2)
  }

  @Test func aDuplicateIDRefusesTheWholeImport() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.importDirectory([ann], source: "a.csv", by: nil, at: 100)
    #expect(throws: StoreError.self) { try store.importDirectory([bob, cy, bob], source: "b.csv", by: nil, at: 200) }
    #expect(try store.staffMembers() == [ann])
    #expect(try store.directoryVersion() == 1)
  }

  @Test func blockAndUnblockAreLoggedAndBumpTheVersion() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.importDirectory([ann, bob], source: "a.csv", by: "hr", at: 100)
    #expect(try store.setBlocked("E1", true, by: "guard-7", at: 150))
    #expect(try store.staffMember("E1")?.blocked == true)
    #expect(try store.directoryVersion() == 2)
    #expect(try !store.setBlocked("E1", true, by: "guard-7", at: 160), "already blocked: no change")
    #expect(try store.directoryVersion() == 2)
    #expect(try store.setBlocked("E1", false, by: "duty", at: 170))
    #expect(try store.staffMember("E1")?.blocked == false)
    #expect(try store.directoryVersion() == 3)
    let log = try store.directoryChanges(workID: "E1")
    #expect(log.map(\.action) == [.added, .blocked, .unblocked])
    #expect(log.map(\.changedBy) == ["hr", "guard-7", "duty"])
    #expect(log.map(\.changedAt) == [100, 150, 170])
  }

  @Test func blockingAnUnknownIDSaysSo() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.importDirectory([ann], source: "a.csv", by: nil, at: 100)
    do {
      try store.setBlocked("E404", true, by: "guard", at: 150)
      Issue.record("blocking an unknown ID must throw")
    } catch {
      #expect(error.description == "block E404: the staff directory has no work ID E404")
    }
    #expect(try store.directoryVersion() == 1)
  }

  @Test func anImportTurnsAHandBlockBackToWhatTheFileSays() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.importDirectory([ann], source: "a.csv", by: nil, at: 100)
    try store.setBlocked("E1", true, by: "guard", at: 150)
    let summary = try store.importDirectory([ann], source: "a.csv", by: nil, at: 200)
    #expect(summary.changed == 1)
    #expect(try store.staffMember("E1")?.blocked == false)
    #expect(try store.directoryChanges(workID: "E1").last?.detail == "status")
  }

  @Test func underHashedIDsNoNameAndNoPlainIDIsStored() throws {
    let path = temporaryDatabase()
    let store = try AlertStore(path: path)
    let policy = PersonIDPolicy.hashed(key: Array("site secret".utf8))
    try store.importDirectory([ann, bob].map { $0.kept(under: policy) }, source: "a.csv", by: nil, at: 100)
    let key = try #require(policy.protect("E1"))
    let kept = try #require(try store.staffMember(policy.directoryKey("E1")))
    #expect(kept.workID == key)
    #expect(kept.name == nil)
    #expect(kept.department == "Ops" && kept.role == "guard")
    #expect(try store.staffMember("E1") == nil)
    // Nothing in the file holds the plain ID or the name.
    let raw = try DatabaseQueue(path: path).read { db in
      try String.fetchAll(db, sql: "SELECT work_id || ' ' || COALESCE(name, '') FROM staff")
        + String.fetchAll(db, sql: "SELECT work_id FROM staff_change")
    }
    #expect(!raw.isEmpty)
    #expect(raw.allSatisfy { !$0.contains("E1") && !$0.contains("E2") && !$0.contains("Ann") && !$0.contains("Bob") })
    #expect(try store.accessDirectory(at: 1500).check(key, presented: "E1", atWall: 1500).isValid)
  }

  @Test func plainAndOmittedPoliciesKeepIDsAsRead() {
    #expect(ann.kept(under: .plain) == ann)
    #expect(ann.kept(under: .omitted) == ann)
  }

  @Test func theAccessDirectoryRefusesExpiredNotYetValidBlockedAndUnknownIDs() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.importDirectory([ann, bob, cy], source: "a.csv", by: nil, at: 100)
    try store.setBlocked("E3", true, by: "guard", at: 150)
    let directory = try store.accessDirectory(at: 1500)
    #expect(directory.check("E1", atWall: 1500) == .valid("E1", .staff))
    #expect(directory.check("E2", atWall: 1500) == .valid("E2", .staff))
    #expect(directory.check("E2", atWall: 999).refusal == .notYetValid)
    #expect(directory.check("E2", atWall: 2000).refusal == .expiredID)
    #expect(directory.check("E3", atWall: 1500).refusal == .blockedID)
    #expect(directory.check("E9", atWall: 1500) == .refused("E9", .unknownID))
  }
}
