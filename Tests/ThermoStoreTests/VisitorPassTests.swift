import Foundation
import GRDB
import Testing
import ThermoCore

@testable import ThermoStore

@Suite struct VisitorPassTests {
  @Test func aPassIsValidForItsHoursThenExpiredUntilThePurge() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let (code, pass) = try store.issueVisitorPass(
      name: "Li Lei", host: "Zhang Wei", hours: 2, phone: "13812345678", issuedBy: "guard-7", at: 10_000,
      policy: .plain)
    #expect(code.count == 10 && code.allSatisfy { $0.isASCII && $0.isNumber })
    #expect(
      pass
        == VisitorPass(
          code: code, name: "Li Lei", host: "Zhang Wei", phoneMasked: "138****5678", issuedAt: 10_000,
          validUntil: 17_200, issuedBy: "guard-7"))
    #expect(try store.directoryVersion() == 1)

    let directory = try store.accessDirectory(at: 10_000)
    #expect(directory.check(code, atWall: 10_000) == .valid(code, .visitor))
    #expect(directory.check(code, atWall: 17_199).isValid)
    #expect(directory.check(code, atWall: 17_200).refusal == .expiredID)
    #expect(directory.check(code, atWall: 9_999).refusal == .notYetValid)

    #expect(try store.visitorPasses(at: 17_000) == [pass])
    #expect(try store.visitorPasses(at: 17_200).isEmpty)
    #expect(try store.visitorPasses(includeExpired: true, at: 17_200) == [pass])
    // Days later the expired code is still told expired_id, not unknown_id.
    #expect(try store.accessDirectory(at: 200_000).check(code, atWall: 200_000).refusal == .expiredID)

    try store.purge(olderThan: 17_199)
    #expect(try store.visitorPasses(includeExpired: true, at: 200_000) == [pass], "not yet expired at the cutoff")
    #expect(try store.directoryVersion() == 1)
    try store.purge(olderThan: 17_201)
    #expect(try store.visitorPasses(includeExpired: true, at: 200_000).isEmpty)
    #expect(try store.accessDirectory(at: 200_000).check(code, atWall: 200_000).refusal == .unknownID)
    #expect(try store.directoryVersion() == 2)
  }

  @Test func hoursOutsideAWeekAreRefused() throws {
    let store = try AlertStore(path: temporaryDatabase())
    for hours in [0, -1, 168.01, .infinity, .nan] {
      do {
        _ = try store.issueVisitorPass(
          name: "V", host: "H", hours: hours, phone: nil, issuedBy: nil, at: 0, policy: .plain)
        Issue.record("\(hours) hours must be refused")
      } catch {
        #expect(error.description.contains("hours must be above 0 and at most 168 (one week)"), "\(error)")
      }
    }
    _ = try store.issueVisitorPass(name: "V", host: "H", hours: 168, phone: nil, issuedBy: nil, at: 0, policy: .plain)
    #expect(try store.visitorPasses(includeExpired: true, at: 0).count == 1)
  }

  @Test func phonesAreMaskedAndTheFullNumberNeverStored() throws {
    #expect(VisitorPass.maskPhone("13812345678") == "138****5678")
    #expect(VisitorPass.maskPhone("+86 138-1234-5678") == "861******5678")
    #expect(VisitorPass.maskPhone("12345678") == "123*5678")
    #expect(VisitorPass.maskPhone("1234567") == "*****67")
    #expect(VisitorPass.maskPhone("12") == "**")
    #expect(VisitorPass.maskPhone("none") == nil)

    let path = temporaryDatabase()
    let store = try AlertStore(path: path)
    _ = try store.issueVisitorPass(
      name: "V", host: "H", hours: 1, phone: "138 1234 5678", issuedBy: nil, at: 0, policy: .plain)
    let stored = try DatabaseQueue(path: path).read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM visitor_pass").flatMap { row in
        row.databaseValues.compactMap { String.fromDatabaseValue($0) }
      }
    }
    #expect(stored.contains("138****5678"))
    #expect(!stored.contains { $0.contains("1234") })
    #expect(throws: StoreError.self) {
      try store.issueVisitorPass(name: "V", host: "H", hours: 1, phone: "n/a", issuedBy: nil, at: 0, policy: .plain)
    }
  }

  @Test func aCodeNeverRepeatsAPassCodeOrAStaffID() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.importDirectory([StaffMember(workID: "0000000001")], source: "a.csv", by: nil, at: 0)
    var draws = ["0000000002"]
    func issue() throws -> String {
      try store.issueVisitorPass(
        name: "V", host: "H", hours: 1, phone: nil, issuedBy: nil, at: 0, policy: .plain,
        nextCode: { draws.removeFirst() }
      ).code
    }
    #expect(try issue() == "0000000002")
    draws = ["0000000001", "0000000002", "0000000003"]
    #expect(try issue() == "0000000003", "the staff ID and the kept pass code are drawn again")
    #expect(draws.isEmpty)

    let stuck = try AlertStore(path: temporaryDatabase())
    _ = try stuck.issueVisitorPass(
      name: "V", host: "H", hours: 1, phone: nil, issuedBy: nil, at: 0, policy: .plain, nextCode: { "5555555555" })
    #expect(throws: StoreError.self) {
      try stuck.issueVisitorPass(
        name: "V", host: "H", hours: 1, phone: nil, issuedBy: nil, at: 0, policy: .plain, nextCode: { "5555555555" })
    }
  }

  @Test func randomCodesAreTenDigitsAndDiffer() {
    let codes = (0..<50).map { _ in AlertStore.randomCode() }
    #expect(codes.allSatisfy { $0.count == 10 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
    #expect(Set(codes).count > 45)
  }

  @Test func underHashedIDsTheCodeIsKeptProtectedAndTheNameNotAtAll() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let policy = PersonIDPolicy.hashed(key: Array("site secret".utf8))
    let (code, pass) = try store.issueVisitorPass(
      name: "Li Lei", host: "Zhang Wei", hours: 1, phone: nil, issuedBy: nil, at: 0, policy: policy)
    #expect(pass.code == policy.protect(code))
    #expect(pass.name == nil)
    #expect(try store.visitorPasses(at: 0) == [pass])
    let directory = try store.accessDirectory(at: 0)
    #expect(directory.check(policy.directoryKey(code), presented: code, atWall: 10).isValid)
    #expect(directory.check(code, atWall: 10).refusal == .unknownID)
  }
}
