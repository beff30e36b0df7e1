import ThermoCore
import ThermoStore

/// The thermometer's calibration in force, as the calibration log has it (nil: none recorded).
/// The log is read again every minute, so a calibration or a failed drift check made while the
/// daemon runs takes effect without a restart. It decides; the monitor carries out its effects.
struct CalibrationWatch {
  enum Effect: Equatable {
    case raise(Alert)
    case resolve(AlertKind, device: String)
    /// The pipeline corrects readings with this from now on.
    case apply(DeviceCalibration)
    /// The status board shows this record (and, with a note, why the entrance is out of service;
    /// a nil note clears it).
    case show(CalibrationRecord)
    case note(String?)
  }

  private(set) var calibration: CalibrationRecord?
  /// The calibration log's key for the thermometer.
  let key: String
  /// A real thermometer with no correction anywhere (log or file) is reported as due.
  let requiresCalibration: Bool
  private var announced = false
  private var lastRead = -Double.infinity
  /// The calibration whose due date has been alerted.
  private var dueAlertedFor: Int64?

  init(calibration: CalibrationRecord?, key: String, requiresCalibration: Bool) {
    self.calibration = calibration
    self.key = key
    self.requiresCalibration = requiresCalibration
  }

  /// Marked out of service by its calibration: read (so its state shows), never screening.
  var outOfService: Bool { calibration?.outcome == .outOfService }

  /// At the first event: what the record at start means — an out-of-service mark raises a fault,
  /// no calibration at all is due, and what an earlier run raised and a recalibration has since
  /// answered is closed.
  mutating func begin(at time: Double, wall: Double, alerts: EntranceAlerts) -> [Effect] {
    guard !announced else { return [] }
    announced = true
    lastRead = time
    if let calibration, calibration.outcome == .outOfService {
      return announceOutOfService(calibration, at: wall, alerts: alerts)
    }
    if calibration == nil, requiresCalibration {
      dueAlertedFor = 0  // so the first calibration closes it
      return [.raise(alerts.neverCalibrated(at: wall))]
    }
    guard let calibration else { return [] }
    var effects: [Effect] = [.resolve(.deviceFault, device: alerts.outOfServiceDevice)]
    if (calibration.nextDueAt ?? .infinity) > wall {
      effects.append(.resolve(.calibrationDue, device: alerts.thermometer))
    }
    return effects
  }

  /// Once a minute of monotonic time the log is read again.
  func wantsRead(at time: Double) -> Bool { announced && time - lastRead >= 60 }

  /// What the log says now: a newer record applies (a calibration) or stops the screening (a
  /// failed check).
  mutating func read(_ latest: CalibrationRecord?, at time: Double, wall: Double, alerts: EntranceAlerts) -> [Effect] {
    lastRead = time
    guard let latest, latest.id != calibration?.id else { return [] }
    let wasOutOfService = outOfService
    calibration = latest
    var effects: [Effect] = [.show(latest)]
    switch latest.outcome {
    case .accepted:
      effects.append(
        .apply(DeviceCalibration(id: latest.calibrationID, offsetC: latest.offsetC, gain: latest.gain)))
      if wasOutOfService {
        effects += [.note(nil), .resolve(.deviceFault, device: alerts.outOfServiceDevice)]
      }
      if dueAlertedFor != nil, (latest.nextDueAt ?? .infinity) > wall {
        dueAlertedFor = nil
        effects.append(.resolve(.calibrationDue, device: alerts.thermometer))
      }
    case .outOfService:
      effects += announceOutOfService(latest, at: wall, alerts: alerts)
    }
    return effects
  }

  /// A passed due date raises `calibration_due`, once per calibration (the next one clears it).
  mutating func checkDue(at wall: Double, alerts: EntranceAlerts) -> [Effect] {
    guard let calibration, calibration.outcome == .accepted, let due = calibration.nextDueAt, due < wall,
      dueAlertedFor != calibration.id
    else { return [] }
    dueAlertedFor = calibration.id
    return [.raise(alerts.calibrationDue(calibration, due: due, at: wall))]
  }

  private func announceOutOfService(_ record: CalibrationRecord, at wall: Double, alerts: EntranceAlerts)
    -> [Effect]
  {
    [.note(alerts.outOfServiceNote(record)), .raise(alerts.outOfService(record, at: wall))]
  }
}
