import Foundation
import GRDB
import ThermoCore

extension VisitorPass {
  /// A pass may last at most a week: a longer stay is a member of staff, in the directory.
  public static let longestHours = 24.0 * 7

  /// `138****5678`: the first three and last four digits, the rest masked; a number too short
  /// for that keeps only its last two. Nil when there are no digits.
  public static func maskPhone(_ phone: String) -> String? {
    let digits = phone.unicodeScalars.filter { ("0"..."9").contains($0) }.map { Character($0) }
    guard !digits.isEmpty else { return nil }
    if digits.count >= 8 {
      return String(digits.prefix(3)) + String(repeating: "*", count: digits.count - 7) + String(digits.suffix(4))
    }
    let shown = digits.count > 2 ? 2 : 0
    return String(repeating: "*", count: digits.count - shown) + String(digits.suffix(shown))
  }

  init(row: Row) {
    self.init(
      code: row["code"], name: row["name"], host: row["host"], phoneMasked: row["phone_masked"],
      issuedAt: row["issued_at"], validUntil: row["valid_until"], issuedBy: row["issued_by"])
  }
}

extension AlertStore {
  static func createVisitorPassTable(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE visitor_pass (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          code TEXT NOT NULL UNIQUE,
          name TEXT,
          host TEXT NOT NULL,
          phone_masked TEXT,
          issued_at REAL NOT NULL,
          valid_until REAL NOT NULL,
          issued_by TEXT
        );
        CREATE INDEX visitor_pass_valid_until ON visitor_pass(valid_until);
        """)
  }

  /// Issues a pass valid from `time` for `hours` (above 0, at most a week). The code is ten
  /// random digits (what a keyboard-wedge reader types), unlike every kept pass code and staff
  /// ID; it is returned as the visitor types it, and kept (with the name) as `policy` says. Only
  /// the masked phone number is kept.
  public func issueVisitorPass(
    name: String?, host: String, hours: Double, phone: String?, issuedBy: String?, at time: Double,
    policy: PersonIDPolicy
  ) throws(StoreError) -> (code: String, pass: VisitorPass) {
    try issueVisitorPass(
      name: name, host: host, hours: hours, phone: phone, issuedBy: issuedBy, at: time, policy: policy,
      nextCode: Self.randomCode)
  }

  /// `nextCode` draws candidate codes (tests make them collide).
  func issueVisitorPass(
    name: String?, host: String, hours: Double, phone: String?, issuedBy: String?, at time: Double,
    policy: PersonIDPolicy, nextCode: () -> String
  ) throws(StoreError) -> (code: String, pass: VisitorPass) {
    let operation = "issue a visitor pass"
    guard hours.isFinite, hours > 0, hours <= VisitorPass.longestHours else {
      throw StoreError(
        operation: operation,
        message: "hours must be above 0 and at most \(Int(VisitorPass.longestHours)) (one week), got \(hours)")
    }
    let trimmedHost = host.trimmingCharacters(in: .whitespaces)
    guard !trimmedHost.isEmpty else {
      throw StoreError(operation: operation, message: "the pass needs a host (whom the visitor comes to see)")
    }
    var phoneMasked: String?
    if let phone, !phone.trimmingCharacters(in: .whitespaces).isEmpty {
      guard let masked = VisitorPass.maskPhone(phone) else {
        throw StoreError(operation: operation, message: "the phone number '\(phone)' has no digits")
      }
      phoneMasked = masked
    }
    let trimmedName = name?.trimmingCharacters(in: .whitespaces)
    let issued: (code: String, pass: VisitorPass)?
    do {
      issued = try database.write { db -> (code: String, pass: VisitorPass)? in
        // A billion codes against a few thousand kept ones: a clash is rare, a hundred in a row
        // means the generator is broken.
        for _ in 0..<100 {
          let code = nextCode()
          let key = policy.directoryKey(code)
          let taken =
            try Bool.fetchOne(
              db,
              sql: """
                SELECT EXISTS (SELECT 1 FROM visitor_pass WHERE code = ?)
                  OR EXISTS (SELECT 1 FROM staff WHERE work_id = ?)
                """, arguments: [key, key]) ?? true
          guard !taken else { continue }
          let pass = VisitorPass(
            code: key, name: policy.keepsNames && trimmedName?.isEmpty == false ? trimmedName : nil,
            host: trimmedHost, phoneMasked: phoneMasked, issuedAt: time, validUntil: time + hours * 3600,
            issuedBy: issuedBy)
          try db.execute(
            sql: """
              INSERT INTO visitor_pass (code, name, host, phone_masked, issued_at, valid_until, issued_by)
              VALUES (?, ?, ?, ?, ?, ?, ?)
              """,
            arguments: [
              pass.code, pass.name, pass.host, pass.phoneMasked, pass.issuedAt, pass.validUntil, pass.issuedBy,
            ])
          try Self.bumpDirectoryVersion(db)
          return (code, pass)
        }
        return nil
      }
    } catch {
      throw StoreError(operation: operation, underlying: error)
    }
    guard let issued else { throw StoreError(operation: operation, message: "no free pass code in 100 draws") }
    return issued
  }

  static func randomCode() -> String {
    var generator = SystemRandomNumberGenerator()
    return String((0..<10).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
  }

  /// Passes, latest issued first: those valid at `time` (and those not yet valid), or all kept.
  public func visitorPasses(includeExpired: Bool = false, at time: Double) throws(StoreError) -> [VisitorPass] {
    do {
      return try database.read { db in try Self.passes(db, includeExpired: includeExpired, at: time) }
    } catch {
      throw StoreError(operation: "list visitor passes", underlying: error)
    }
  }

  static func passes(_ db: Database, includeExpired: Bool, at time: Double) throws -> [VisitorPass] {
    try Row.fetchAll(
      db,
      sql: "SELECT * FROM visitor_pass WHERE ? OR valid_until > ? ORDER BY issued_at DESC, id DESC",
      arguments: [includeExpired, time]
    ).map(VisitorPass.init(row:))
  }
}
