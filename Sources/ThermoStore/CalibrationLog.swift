import Foundation
import GRDB

/// One entry of the append-only calibration log: a full calibration or a field drift check, with
/// everything screening-practice §6 item 16 asks to keep.
public struct CalibrationRecord: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case calibration
    case check
  }

  public enum Outcome: String, Sendable {
    /// Passed: the new correction (or, for a check, the one in force) is valid until `nextDueAt`.
    case accepted
    /// Failed: the device must not screen until it is calibrated again.
    case outOfService = "out_of_service"
  }

  public struct Point: Sendable, Equatable {
    public var setPointC: Double
    public var readings: [Double]
    public var asFoundErrorC: Double
    public var residualC: Double

    public init(setPointC: Double, readings: [Double], asFoundErrorC: Double, residualC: Double) {
      self.setPointC = setPointC
      self.readings = readings
      self.asFoundErrorC = asFoundErrorC
      self.residualC = residualC
    }
  }

  public var id: Int64?
  public var kind: Kind
  /// The device key: USB serial (with the port when it has none) or the device address.
  public var device: String
  public var address: String
  public var time: Double
  public var technician: String
  public var referenceID: String
  public var referenceCertificate: String?
  public var referenceDueAt: Double?
  public var referenceUncertaintyC: Double
  public var referenceEmissivity: Double?
  public var emissivity: Double?
  public var ambientC: Double?
  public var humidityPercent: Double?
  public var distanceCM: Double?
  public var points: [Point]
  public var asFoundCalibrationID: String
  public var asFoundOffsetC: Double
  public var asFoundGain: Double
  public var offsetC: Double
  public var gain: Double
  public var expandedUncertaintyC: Double
  public var toleranceC: Double
  public var outcome: Outcome
  public var failures: [String]
  public var nextDueAt: Double?

  public init(
    kind: Kind, device: String, address: String, time: Double, technician: String, referenceID: String,
    referenceCertificate: String? = nil, referenceDueAt: Double? = nil, referenceUncertaintyC: Double,
    referenceEmissivity: Double? = nil, emissivity: Double? = nil, ambientC: Double? = nil,
    humidityPercent: Double? = nil, distanceCM: Double? = nil, points: [Point], asFoundCalibrationID: String,
    asFoundOffsetC: Double, asFoundGain: Double, offsetC: Double, gain: Double, expandedUncertaintyC: Double,
    toleranceC: Double, outcome: Outcome, failures: [String], nextDueAt: Double?
  ) {
    self.kind = kind
    self.device = device
    self.address = address
    self.time = time
    self.technician = technician
    self.referenceID = referenceID
    self.referenceCertificate = referenceCertificate
    self.referenceDueAt = referenceDueAt
    self.referenceUncertaintyC = referenceUncertaintyC
    self.referenceEmissivity = referenceEmissivity
    self.emissivity = emissivity
    self.ambientC = ambientC
    self.humidityPercent = humidityPercent
    self.distanceCM = distanceCM
    self.points = points
    self.asFoundCalibrationID = asFoundCalibrationID
    self.asFoundOffsetC = asFoundOffsetC
    self.asFoundGain = asFoundGain
    self.offsetC = offsetC
    self.gain = gain
    self.expandedUncertaintyC = expandedUncertaintyC
    self.toleranceC = toleranceC
    self.outcome = outcome
    self.failures = failures
    self.nextDueAt = nextDueAt
  }

  /// The ID a screening record carries when this calibration's correction was applied.
  public var calibrationID: String { "cal-\(device)-\(id ?? 0)" }

  init(row: Row) throws {
    id = row["id"]
    kind = Kind(rawValue: row["kind"]) ?? .calibration
    device = row["device"]
    address = row["address"]
    time = row["time"]
    technician = row["technician"]
    referenceID = row["reference_id"]
    referenceCertificate = row["reference_certificate"]
    referenceDueAt = row["reference_due_at"]
    referenceUncertaintyC = row["reference_uncertainty_c"]
    referenceEmissivity = row["reference_emissivity"]
    emissivity = row["emissivity"]
    ambientC = row["ambient_c"]
    humidityPercent = row["humidity_percent"]
    distanceCM = row["distance_cm"]
    let pointsJSON: String = row["points"]
    let decoded = try JSONSerialization.jsonObject(with: Data(pointsJSON.utf8)) as? [[String: Any]] ?? []
    points = decoded.map { entry in
      Point(
        setPointC: entry["set_point_c"] as? Double ?? 0, readings: entry["readings"] as? [Double] ?? [],
        asFoundErrorC: entry["as_found_error_c"] as? Double ?? 0, residualC: entry["residual_c"] as? Double ?? 0)
    }
    asFoundCalibrationID = row["as_found_calibration_id"]
    asFoundOffsetC = row["as_found_offset_c"]
    asFoundGain = row["as_found_gain"]
    offsetC = row["offset_c"]
    gain = row["gain"]
    expandedUncertaintyC = row["expanded_uncertainty_c"]
    toleranceC = row["tolerance_c"]
    outcome = Outcome(rawValue: row["outcome"]) ?? .outOfService
    let failuresJSON: String = row["failures"]
    failures = try JSONSerialization.jsonObject(with: Data(failuresJSON.utf8)) as? [String] ?? []
    nextDueAt = row["next_due_at"]
  }

  var pointsJSON: String {
    let objects: [[String: Any]] = points.map {
      [
        "set_point_c": $0.setPointC, "readings": $0.readings, "as_found_error_c": $0.asFoundErrorC,
        "residual_c": $0.residualC,
      ]
    }
    let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])) ?? Data("[]".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  var failuresJSON: String {
    let data = (try? JSONSerialization.data(withJSONObject: failures)) ?? Data("[]".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}

extension AlertStore {
  static func registerCalibrationLog(_ migrator: inout DatabaseMigrator) {
    migrator.registerMigration("v2-calibration") { db in
      try db.execute(
        sql: """
          CREATE TABLE calibration (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            device TEXT NOT NULL,
            address TEXT NOT NULL,
            time REAL NOT NULL,
            technician TEXT NOT NULL,
            reference_id TEXT NOT NULL,
            reference_certificate TEXT,
            reference_due_at REAL,
            reference_uncertainty_c REAL NOT NULL,
            reference_emissivity REAL,
            emissivity REAL,
            ambient_c REAL,
            humidity_percent REAL,
            distance_cm REAL,
            points TEXT NOT NULL,
            as_found_calibration_id TEXT NOT NULL,
            as_found_offset_c REAL NOT NULL,
            as_found_gain REAL NOT NULL,
            offset_c REAL NOT NULL,
            gain REAL NOT NULL,
            expanded_uncertainty_c REAL NOT NULL,
            tolerance_c REAL NOT NULL,
            outcome TEXT NOT NULL,
            failures TEXT NOT NULL,
            next_due_at REAL
          );
          CREATE INDEX calibration_device ON calibration(device, id);
          CREATE TRIGGER calibration_no_update BEFORE UPDATE ON calibration
            BEGIN SELECT RAISE(ABORT, 'calibration records are append-only'); END;
          CREATE TRIGGER calibration_no_delete BEFORE DELETE ON calibration
            BEGIN SELECT RAISE(ABORT, 'calibration records are append-only'); END;
          """)
    }
  }

  /// Appends a record; the log is append-only (the database refuses updates and deletes).
  @discardableResult
  public func appendCalibration(_ record: CalibrationRecord) throws(StoreError) -> Int64 {
    do {
      return try database.write { db in
        try db.execute(
          sql: """
            INSERT INTO calibration (kind, device, address, time, technician, reference_id, reference_certificate,
              reference_due_at, reference_uncertainty_c, reference_emissivity, emissivity, ambient_c,
              humidity_percent, distance_cm, points, as_found_calibration_id, as_found_offset_c, as_found_gain,
              offset_c, gain, expanded_uncertainty_c, tolerance_c, outcome, failures, next_due_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            record.kind.rawValue, record.device, record.address, record.time, record.technician, record.referenceID,
            record.referenceCertificate, record.referenceDueAt, record.referenceUncertaintyC,
            record.referenceEmissivity, record.emissivity, record.ambientC, record.humidityPercent,
            record.distanceCM, record.pointsJSON, record.asFoundCalibrationID, record.asFoundOffsetC,
            record.asFoundGain, record.offsetC, record.gain, record.expandedUncertaintyC, record.toleranceC,
            record.outcome.rawValue, record.failuresJSON, record.nextDueAt,
          ])
        return db.lastInsertedRowID
      }
    } catch {
      throw StoreError(operation: "append a calibration record", underlying: error)
    }
  }

  /// The log, oldest first; for one device when `device` is given.
  public func calibrations(device: String? = nil) throws(StoreError) -> [CalibrationRecord] {
    do {
      return try database.read { db in
        let rows =
          if let device {
            try Row.fetchAll(db, sql: "SELECT * FROM calibration WHERE device = ? ORDER BY id", arguments: [device])
          } else {
            try Row.fetchAll(db, sql: "SELECT * FROM calibration ORDER BY id")
          }
        return try rows.map(CalibrationRecord.init(row:))
      }
    } catch {
      throw StoreError(operation: "read the calibration log", underlying: error)
    }
  }

  /// What stands for each device: its latest full calibration, or a later drift check that
  /// failed (which puts the device out of service until it is calibrated again).
  public func currentCalibrations() throws(StoreError) -> [String: CalibrationRecord] {
    Dictionary(grouping: try calibrations(), by: \.device).compactMapValues(Self.standing)
  }

  /// The same for one device, reading only its records (the daemon asks every minute).
  public func currentCalibration(device: String) throws(StoreError) -> CalibrationRecord? {
    Self.standing(try calibrations(device: device))
  }

  /// A passed drift check leaves the calibration before it standing.
  private static func standing(_ records: [CalibrationRecord]) -> CalibrationRecord? {
    records.last { $0.kind == .calibration || $0.outcome == .outOfService }
  }
}
