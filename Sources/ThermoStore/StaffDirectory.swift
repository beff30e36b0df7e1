import Foundation
import GRDB
import ThermoCore

/// One entry of the directory's change log: who changed which ID, when, and how.
public struct DirectoryChange: Sendable, Equatable {
  public enum Action: String, Sendable, CaseIterable {
    /// New in an import.
    case added
    /// In an import with other fields than before.
    case changed
    /// Missing from an import: the whole directory is the file.
    case removed
    case blocked
    case unblocked
  }

  public var id: Int64?
  public var action: Action
  public var workID: String
  /// The fields an import changed (`department, valid_until`); never their values, which may be
  /// names the site chose not to keep.
  public var detail: String?
  /// The imported file, for imports.
  public var source: String?
  public var changedBy: String?
  public var changedAt: Double

  public init(
    id: Int64? = nil, action: Action, workID: String, detail: String? = nil, source: String? = nil,
    changedBy: String?, changedAt: Double
  ) {
    self.id = id
    self.action = action
    self.workID = workID
    self.detail = detail
    self.source = source
    self.changedBy = changedBy
    self.changedAt = changedAt
  }

  init(row: Row) {
    id = row["id"]
    action = Action(rawValue: row["action"]) ?? .changed
    workID = row["work_id"]
    detail = row["detail"]
    source = row["source"]
    changedBy = row["changed_by"]
    changedAt = row["changed_at"]
  }
}

/// What an import did to the directory.
public struct DirectoryImport: Sendable, Equatable {
  public var total: Int
  public var added: Int
  public var changed: Int
  public var removed: Int

  public init(total: Int, added: Int, changed: Int, removed: Int) {
    self.total = total
    self.added = added
    self.changed = changed
    self.removed = removed
  }
}

extension PersonIDPolicy {
  /// The form the directory keeps an ID in. Unlike the register, `.omitted` keeps IDs as read:
  /// the directory cannot open a gate for an ID it does not know.
  public func directoryKey(_ id: String) -> String {
    if case .hashed = self { return protect(id) ?? id }
    return id
  }

  /// Whether names may be kept beside the IDs.
  public var keepsNames: Bool {
    if case .hashed = self { return false }
    return true
  }
}

extension StaffMember {
  /// The member as the directory keeps it under `policy`: under hashed IDs, the ID protected
  /// and no name (department and role stay: the gate and the duty office need them).
  public func kept(under policy: PersonIDPolicy) -> StaffMember {
    var kept = self
    kept.workID = policy.directoryKey(workID)
    if !policy.keepsNames { kept.name = nil }
    return kept
  }

  init(row: Row) {
    self.init(
      workID: row["work_id"], name: row["name"], department: row["department"], role: row["role"],
      validFrom: row["valid_from"], validUntil: row["valid_until"], blocked: (row["status"] as String) == "blocked")
  }

  /// The fields in which `other` differs, by their column names.
  func differences(from other: StaffMember) -> [String] {
    var fields: [String] = []
    if name != other.name { fields.append("name") }
    if department != other.department { fields.append("department") }
    if role != other.role { fields.append("role") }
    if validFrom != other.validFrom { fields.append("valid_from") }
    if validUntil != other.validUntil { fields.append("valid_until") }
    if blocked != other.blocked { fields.append("status") }
    return fields
  }
}

extension AlertStore {
  static func registerDirectory(_ migrator: inout DatabaseMigrator) {
    migrator.registerMigration("v3-directory") { db in
      try db.execute(
        sql: """
          CREATE TABLE staff (
            work_id TEXT PRIMARY KEY NOT NULL,
            name TEXT,
            department TEXT,
            role TEXT,
            valid_from REAL,
            valid_until REAL,
            status TEXT NOT NULL CHECK (status IN ('active', 'blocked')),
            changed_at REAL NOT NULL
          );
          CREATE TABLE staff_change (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            action TEXT NOT NULL,
            work_id TEXT NOT NULL,
            detail TEXT,
            source TEXT,
            changed_by TEXT,
            changed_at REAL NOT NULL
          );
          CREATE INDEX staff_change_work_id ON staff_change(work_id, id);
          INSERT INTO meta (key, value) VALUES ('directory_version', '0');
          """)
      try createVisitorPassTable(db)
    }
  }

  /// Every change to the directory or the passes bumps it in the same transaction, so a reader
  /// that sees the same number has the same directory.
  static func bumpDirectoryVersion(_ db: Database) throws {
    try db.execute(
      sql: "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'directory_version'")
  }

  /// Cheap enough to poll: the daemon reloads its directory when this moves.
  public func directoryVersion() throws(StoreError) -> Int {
    do {
      return try database.read { db in
        try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'directory_version'") ?? 0
      }
    } catch {
      throw StoreError(operation: "read the directory version", underlying: error)
    }
  }

  /// Replaces the whole directory with `members` (IDs already in the form `kept(under:)` gives)
  /// in one transaction, logging every ID added, changed and removed. A member blocked by hand
  /// and active in the file comes back active: the file is the directory.
  @discardableResult
  public func importDirectory(_ members: [StaffMember], source: String, by person: String?, at time: Double)
    throws(StoreError) -> DirectoryImport
  {
    var seen = Set<String>()
    for member in members where !seen.insert(member.workID).inserted {
      throw StoreError(
        operation: "import the staff directory from \(source)", message: "work ID \(member.workID) appears twice")
    }
    do {
      return try database.write { db in
        let existing = Dictionary(
          try Row.fetchAll(db, sql: "SELECT * FROM staff").map { row in
            let member = StaffMember(row: row)
            return (member.workID, member)
          }, uniquingKeysWith: { first, _ in first })
        var summary = DirectoryImport(total: members.count, added: 0, changed: 0, removed: 0)
        func log(_ action: DirectoryChange.Action, _ workID: String, detail: String? = nil) throws {
          try Self.logChange(
            db,
            DirectoryChange(
              action: action, workID: workID, detail: detail, source: source, changedBy: person, changedAt: time))
        }
        for member in members {
          if let old = existing[member.workID] {
            let fields = member.differences(from: old)
            guard !fields.isEmpty else { continue }
            try Self.upsert(db, member, at: time)
            try log(.changed, member.workID, detail: fields.joined(separator: ", "))
            summary.changed += 1
          } else {
            try Self.upsert(db, member, at: time)
            try log(.added, member.workID)
            summary.added += 1
          }
        }
        for workID in existing.keys.sorted() where !seen.contains(workID) {
          try db.execute(sql: "DELETE FROM staff WHERE work_id = ?", arguments: [workID])
          try log(.removed, workID)
          summary.removed += 1
        }
        if summary.added + summary.changed + summary.removed > 0 { try Self.bumpDirectoryVersion(db) }
        return summary
      }
    } catch {
      throw StoreError(operation: "import the staff directory from \(source)", underlying: error)
    }
  }

  /// The directory, ordered by work ID.
  public func staffMembers() throws(StoreError) -> [StaffMember] {
    do {
      return try database.read { db in
        try Row.fetchAll(db, sql: "SELECT * FROM staff ORDER BY work_id").map(StaffMember.init(row:))
      }
    } catch {
      throw StoreError(operation: "read the staff directory", underlying: error)
    }
  }

  /// One member by the ID as the directory keeps it (`PersonIDPolicy.directoryKey`).
  public func staffMember(_ workID: String) throws(StoreError) -> StaffMember? {
    do {
      return try database.read { db in
        try Row.fetchOne(db, sql: "SELECT * FROM staff WHERE work_id = ?", arguments: [workID]).map(
          StaffMember.init(row:))
      }
    } catch {
      throw StoreError(operation: "read staff member \(workID)", underlying: error)
    }
  }

  /// Blocks or unblocks a member (the ID as the directory keeps it). Returns false when it
  /// already was so (nothing logged); throws when the directory has no such ID.
  @discardableResult
  public func setBlocked(_ workID: String, _ blocked: Bool, by person: String?, at time: Double) throws(StoreError)
    -> Bool
  {
    let operation = "\(blocked ? "block" : "unblock") \(workID)"
    let found: Bool?
    do {
      found = try database.write { db -> Bool? in
        guard
          let status = try String.fetchOne(db, sql: "SELECT status FROM staff WHERE work_id = ?", arguments: [workID])
        else { return nil }
        guard (status == "blocked") != blocked else { return false }
        try db.execute(
          sql: "UPDATE staff SET status = ?, changed_at = ? WHERE work_id = ?",
          arguments: [blocked ? "blocked" : "active", time, workID])
        try Self.logChange(
          db,
          DirectoryChange(action: blocked ? .blocked : .unblocked, workID: workID, changedBy: person, changedAt: time))
        try Self.bumpDirectoryVersion(db)
        return true
      }
    } catch {
      throw StoreError(operation: operation, underlying: error)
    }
    guard let found else {
      throw StoreError(operation: operation, message: "the staff directory has no work ID \(workID)")
    }
    return found
  }

  /// The change log, oldest first; for one ID when `workID` is given.
  public func directoryChanges(workID: String? = nil) throws(StoreError) -> [DirectoryChange] {
    do {
      return try database.read { db in
        let rows =
          if let workID {
            try Row.fetchAll(db, sql: "SELECT * FROM staff_change WHERE work_id = ? ORDER BY id", arguments: [workID])
          } else {
            try Row.fetchAll(db, sql: "SELECT * FROM staff_change ORDER BY id")
          }
        return rows.map(DirectoryChange.init(row:))
      }
    } catch {
      throw StoreError(operation: "read the directory change log", underlying: error)
    }
  }

  /// The staff and every pass still kept, read in one transaction. Expired passes are in it until
  /// the retention purge, so that a reused expired code is told `expired_id`, not `unknown_id`.
  public func accessDirectory(at time: Double) throws(StoreError) -> AccessDirectory {
    do {
      return try database.read { db in
        let staff = try Row.fetchAll(db, sql: "SELECT * FROM staff").map(StaffMember.init(row:))
        let passes = try Self.passes(db, includeExpired: true, at: time)
        return AccessDirectory(staff: staff, passes: passes)
      }
    } catch {
      throw StoreError(operation: "read the access directory", underlying: error)
    }
  }

  private static func upsert(_ db: Database, _ member: StaffMember, at time: Double) throws {
    try db.execute(
      sql: """
        INSERT INTO staff (work_id, name, department, role, valid_from, valid_until, status, changed_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(work_id) DO UPDATE SET name = excluded.name, department = excluded.department,
          role = excluded.role, valid_from = excluded.valid_from, valid_until = excluded.valid_until,
          status = excluded.status, changed_at = excluded.changed_at
        """,
      arguments: [
        member.workID, member.name, member.department, member.role, member.validFrom, member.validUntil,
        member.blocked ? "blocked" : "active", time,
      ])
  }

  private static func logChange(_ db: Database, _ change: DirectoryChange) throws {
    try db.execute(
      sql: """
        INSERT INTO staff_change (action, work_id, detail, source, changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        change.action.rawValue, change.workID, change.detail, change.source, change.changedBy, change.changedAt,
      ])
  }
}
