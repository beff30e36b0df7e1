import Foundation
import GRDB
import ThermoCore

/// A re-check the register shows open: opened by an elevated screening, neither confirmed nor
/// cleared since.
public struct RecheckRecord: Sendable, Equatable {
  public var entrance: String
  public var id: Int
  /// As the register keeps it.
  public var person: String?
  /// Wall-clock seconds.
  public var openedAt: Double
  public var bodyC: Double
}

/// What a gateway starting after a crash takes over from the record: the screening register is
/// the truth for re-checks (every opening, confirmation and clearing is a committed row) and
/// the alert store for the holds.
extension AlertStore {
  /// Re-checks opened at or after `since` and not resolved since, oldest first.
  public func openRechecks(since: Double) throws(StoreError) -> [RecheckRecord] {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT o.entrance, o.recheck_id, o.person, o.time, o.body_c FROM screening o
            WHERE o.recheck_role = 'opened' AND o.time >= ? AND o.recheck_id IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM screening r WHERE r.entrance = o.entrance AND r.recheck_id = o.recheck_id
                AND r.recheck_role IN ('confirmed', 'cleared') AND r.time >= o.time)
              AND NOT EXISTS (SELECT 1 FROM secondary_case c WHERE c.screening_id = o.id AND c.status != 'waiting')
            ORDER BY o.time, o.id
            """, arguments: [since]
        ).map { row in
          RecheckRecord(
            entrance: row["entrance"], id: row["recheck_id"], person: row["person"], openedAt: row["time"],
            bodyC: row["body_c"] ?? 0)
        }
      }
    } catch {
      throw StoreError(operation: "read the open re-checks", underlying: error)
    }
  }

  /// The highest re-check number each entrance has given out.
  public func lastRecheckIDs() throws(StoreError) -> [String: Int] {
    do {
      return try database.read { db in
        var result: [String: Int] = [:]
        for row in try Row.fetchAll(
          db,
          sql: "SELECT entrance, MAX(recheck_id) AS last FROM screening WHERE recheck_id IS NOT NULL GROUP BY entrance")
        {
          result[row["entrance"]] = row["last"]
        }
        return result
      }
    } catch {
      throw StoreError(operation: "read the re-check numbering", underlying: error)
    }
  }

  /// Elevated and fever screenings at or after `since` that no alert names: the gateway
  /// stopped between registering them and raising their alert.
  public func screeningsWithoutAlert(since: Double) throws(StoreError) -> [RegisterEntry] {
    do {
      return try database.read { db in
        try Row.fetchAll(
          db,
          sql: """
            SELECT s.* FROM screening s WHERE s.class IN ('elevated', 'fever') AND s.time >= ?
              AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.screening_id = s.id)
            ORDER BY s.time, s.id
            """, arguments: [since]
        ).map(RegisterEntry.init(row:))
      }
    } catch {
      throw StoreError(operation: "find screenings without their alert", underlying: error)
    }
  }
}

extension Decision {
  /// The decision a register row records (person as the register keeps it); nil for a class or
  /// reason this version does not know.
  public init?(entry: RegisterEntry) {
    guard let screeningClass = ScreeningClass(rawValue: entry.screeningClass),
      let reason = DecisionReason(rawValue: entry.reason),
      let source = ThresholdSource(rawValue: entry.thresholdSource)
    else { return nil }
    let recheck = entry.recheckID.flatMap { id in
      entry.recheckRole.flatMap(RecheckLink.Role.init(rawValue:)).map {
        RecheckLink(id: id, role: $0, openedAt: entry.time, deadline: entry.time)
      }
    }
    self.init(
      time: entry.time, screeningClass: screeningClass, reason: reason, person: entry.person,
      rawObjectC: entry.rawObjectC, skinC: entry.skinC, ambientC: entry.ambientC, bodyC: entry.bodyC,
      thresholdC: entry.thresholdC, thresholdSource: source, baselineC: entry.baselineC, guardBandC: entry.guardBandC,
      calibrationID: entry.calibrationID, bodyModelVersion: entry.bodyModelVersion, recheck: recheck,
      sampleCount: entry.sampleCount)
  }
}
