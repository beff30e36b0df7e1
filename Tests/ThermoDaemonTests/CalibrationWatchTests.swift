import Testing
import ThermoCore
import ThermoStore

@testable import ThermoDaemon

/// What the calibration log means for the entrance, decided without I/O.
@Suite struct CalibrationWatchTests {
  let alerts = EntranceAlerts(entrance: "north", thermometer: "mcp2221:serial=1", personIDs: .plain)

  func record(id: Int64, _ outcome: CalibrationRecord.Outcome, due: Double?) -> CalibrationRecord {
    var record = CalibrationRecord(
      kind: outcome == .accepted ? .calibration : .check, device: "mcp2221:serial=1", address: "mcp2221:serial=1",
      time: 0, technician: "t", referenceID: "BB", referenceUncertaintyC: 0.05, points: [],
      asFoundCalibrationID: "uncalibrated", asFoundOffsetC: 0, asFoundGain: 1, offsetC: 0.4, gain: 1,
      expandedUncertaintyC: 0.1, toleranceC: 0.3, outcome: outcome,
      failures: outcome == .accepted ? [] : ["offset 0.9 °C is outside ±0.3 °C"], nextDueAt: due)
    record.id = id
    return record
  }

  @Test func anOutOfServiceMarkStopsScreeningUntilACalibrationIsAccepted() {
    var watch = CalibrationWatch(
      calibration: record(id: 1, .outOfService, due: nil), key: "k", requiresCalibration: true)
    let start = watch.begin(at: 100, wall: 5000, alerts: alerts)
    #expect(watch.outOfService)
    #expect(start.count == 2)
    guard case .note(let note?) = start.first, case .raise(let alert) = start.last else {
      Issue.record("\(start)")
      return
    }
    #expect(note.contains("drift check #1"))
    #expect(alert.kind == .deviceFault && alert.device == alerts.outOfServiceDevice)
    #expect(watch.begin(at: 101, wall: 5001, alerts: alerts).isEmpty, "announced once")

    #expect(!watch.wantsRead(at: 159))
    #expect(watch.wantsRead(at: 160))
    let accepted = record(id: 2, .accepted, due: 9000)
    let effects = watch.read(accepted, at: 160, wall: 5060, alerts: alerts)
    #expect(!watch.outOfService)
    #expect(
      effects == [
        .show(accepted), .apply(DeviceCalibration(id: accepted.calibrationID, offsetC: 0.4, gain: 1)), .note(nil),
        .resolve(.deviceFault, device: alerts.outOfServiceDevice),
      ])
    #expect(watch.read(accepted, at: 220, wall: 5120, alerts: alerts).isEmpty, "the same record again: nothing")
  }

  @Test func aPassedDueDateIsRaisedOncePerCalibrationAndTheNextCalibrationClosesIt() {
    var watch = CalibrationWatch(calibration: record(id: 3, .accepted, due: 6000), key: "k", requiresCalibration: true)
    _ = watch.begin(at: 0, wall: 5000, alerts: alerts)
    #expect(watch.checkDue(at: 5999, alerts: alerts).isEmpty)
    let due = watch.checkDue(at: 6001, alerts: alerts)
    #expect(due.count == 1)
    #expect(watch.checkDue(at: 7000, alerts: alerts).isEmpty, "once per calibration")
    let next = record(id: 4, .accepted, due: 20_000)
    let effects = watch.read(next, at: 60, wall: 7000, alerts: alerts)
    #expect(effects.contains(.resolve(.calibrationDue, device: "mcp2221:serial=1")))
  }

  @Test func aRealThermometerNeverCalibratedIsDueFromTheStart() {
    var watch = CalibrationWatch(calibration: nil, key: "k", requiresCalibration: true)
    let effects = watch.begin(at: 0, wall: 5000, alerts: alerts)
    guard case .raise(let alert) = effects.first else {
      Issue.record("\(effects)")
      return
    }
    #expect(alert.kind == .calibrationDue && alert.summary.contains("never been calibrated"))
  }
}
