import Foundation
import ThermoCore
import ThermoDevices
import ThermoStore

/// What an entrance's alerts say: one place for their wording and details, so the monitor only
/// decides when to raise them.
struct EntranceAlerts: Sendable {
  let entrance: String
  let thermometer: String
  /// Person IDs in alert texts follow the register's rule.
  let personIDs: PersonIDPolicy

  /// Out-of-service alerts carry their own device name, so a device fault that clears (the
  /// device reads again) does not also close the out-of-service alert.
  var outOfServiceDevice: String { thermometer + " (calibration)" }

  func thermometerLost(_ kind: AlertKind, fault: DeviceFault, at wall: Double) -> Alert {
    let what = kind == .deviceMissing ? "is not connected" : "has failed"
    return Alert(
      kind: kind, entrance: entrance, device: thermometer, raisedAt: wall,
      summary: "\(entrance): thermometer \(thermometer) \(what) (\(fault.kind.rawValue): \(fault.message))",
      details: Self.faultDetails(fault))
  }

  func auxiliaryFailed(_ name: String, fault: DeviceFault, at wall: Double) -> Alert {
    Alert(
      kind: .deviceFault, entrance: entrance, device: name, raisedAt: wall,
      summary: "\(entrance): \(name) failed (\(fault.kind.rawValue): \(fault.message))",
      details: Self.faultDetails(fault))
  }

  func neverCalibrated(at wall: Double) -> Alert {
    Alert(
      kind: .calibrationDue, entrance: entrance, device: thermometer, raisedAt: wall,
      summary: "\(entrance): \(thermometer) has never been calibrated (thermogate calibrate)",
      details: JSONLine.object(["calibration": "none"]))
  }

  func calibrationDue(_ record: CalibrationRecord, due: Double, at wall: Double) -> Alert {
    Alert(
      kind: .calibrationDue, entrance: entrance, device: thermometer, raisedAt: wall,
      summary: "\(entrance): calibration of \(thermometer) was due on \(Timestamp.format(due))",
      details: JSONLine.object(["calibration": "\(record.id ?? 0)", "due": Timestamp.format(due)]))
  }

  func outOfService(_ record: CalibrationRecord, at wall: Double) -> Alert {
    Alert(
      kind: .deviceFault, entrance: entrance, device: outOfServiceDevice, raisedAt: wall,
      summary: "\(entrance): thermometer \(thermometer) is out of service (\(Self.what(record)) #\(record.id ?? 0): "
        + "\(record.failures.joined(separator: "; "))); recalibrate it",
      details: JSONLine.object(["calibration": "\(record.id ?? 0)"]))
  }

  /// The line the status board shows for a device out of service.
  func outOfServiceNote(_ record: CalibrationRecord) -> String {
    "out of service since \(Self.what(record)) #\(record.id ?? 0): \(record.failures.joined(separator: "; "))"
  }

  /// A clinical reading at the secondary station confirmed a fever: the doctor's alert. Keyed by
  /// the screening that sent the person (or the case's settlement time when a guard sent them),
  /// so raising it again after a restart finds the one already stored.
  func clinicalFever(_ found: SecondaryCase) -> Alert? {
    guard let reading = found.reading, let settledAt = found.settledAt else { return nil }
    let who = found.person.map { " (\($0))" } ?? ""
    let value = String(format: "%.1f °C", reading.valueC)
    let threshold = String(format: "%.1f °C", reading.thresholdC)
    var alert = Alert(
      kind: .fever, entrance: entrance, device: reading.device, raisedAt: settledAt,
      summary:
        "FEVER confirmed at the secondary station for \(entrance)\(who): \(reading.method.rawValue) \(value), "
        + "threshold \(threshold) (case \(found.id)); call the duty doctor",
      details: JSONLine.object([
        "secondary_case": "\(found.id)", "method": reading.method.rawValue,
        "value_c": String(format: "%.2f", reading.valueC), "threshold_c": String(format: "%.2f", reading.thresholdC),
        "by": reading.by,
      ]),
      screeningID: found.screeningID)
    alert.ignoresSilences = true
    return alert
  }

  /// The alert a screening raises, if any (its time is already the wall time).
  func screening(_ decision: Decision, device: String, registerID: Int64?) -> Alert? {
    let body = decision.bodyC.map { String(format: "%.1f °C", $0) } ?? "-"
    let threshold = String(format: "%.1f °C", decision.thresholdC)
    let who = personIDs.protect(decision.person).map { " (\($0))" } ?? ""
    switch decision.screeningClass {
    case .fever:
      return Alert(
        kind: .fever, entrance: entrance, device: device, raisedAt: decision.time,
        summary: "FEVER at \(entrance)\(who): body \(body), threshold \(threshold); hold and call the duty doctor",
        details: Self.details(decision), screeningID: registerID)
    case .elevated:
      return Alert(
        kind: .elevated, entrance: entrance, device: device, raisedAt: decision.time,
        summary: "Elevated at \(entrance)\(who): body \(body), threshold \(threshold); re-check in a few minutes",
        details: Self.details(decision), screeningID: registerID)
    case .fault:
      return Alert(
        kind: .deviceFault, entrance: entrance, device: device, raisedAt: decision.time,
        summary: "\(entrance): sensor fault on \(device) (\(decision.reason.rawValue))",
        details: Self.details(decision),
        screeningID: registerID)
    case .normal, .retry, .noSubject:
      return nil
    }
  }

  private static func what(_ record: CalibrationRecord) -> String {
    record.kind == .check ? "drift check" : "calibration"
  }

  private static func faultDetails(_ fault: DeviceFault) -> String {
    JSONLine.object(["fault": fault.kind.rawValue, "message": fault.message])
  }

  private static func details(_ decision: Decision) -> String {
    var fields: [String: String] = [
      "class": decision.screeningClass.rawValue, "reason": decision.reason.rawValue,
      "threshold_c": String(format: "%.2f", decision.thresholdC),
    ]
    if let body = decision.bodyC { fields["body_c"] = String(format: "%.2f", body) }
    if let recheck = decision.recheck { fields["recheck"] = "\(recheck.id):\(recheck.role.rawValue)" }
    return JSONLine.object(fields)
  }
}
