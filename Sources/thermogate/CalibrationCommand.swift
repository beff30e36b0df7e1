import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoDevices
import ThermoDispatch
import ThermoGateway
import ThermoStore
import ThermoTools

struct CalibrationCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibration",
    abstract: "The calibration log: list, show, history, export, field drift check.",
    subcommands: [List.self, Show.self, History.self, Export.self, Check.self])

  /// Where a device stands now.
  static func status(_ record: CalibrationRecord, now: Double) -> String {
    if record.outcome == .outOfService { return "OUT OF SERVICE" }
    guard let due = record.nextDueAt else { return "ok" }
    if due < now { return "OVERDUE" }
    return due - now < 30 * 86_400 ? "due soon" : "ok"
  }

  /// A device address, or a key exactly as `calibration list` prints it.
  static func key(_ device: String) -> String {
    (try? DeviceAddress(parsing: device).calibrationKey) ?? device
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Each device's calibration in force, due date and status.")
    @OptionGroup var store: StoreOption

    func run() throws {
      let current = try store.withStore { try $0.currentCalibrations() }
      let now = Date().timeIntervalSince1970
      if current.isEmpty { print("no calibrations recorded") }
      for (device, record) in current.sorted(by: { $0.key < $1.key }) {
        print(
          String(
            format: "%@  #%lld  %@  offset %+.3f °C  gain %.4f  due %@  %@", device, record.id ?? 0,
            Timestamp.format(record.time), record.offsetC, record.gain, record.nextDueAt.map(Timestamp.format) ?? "-",
            CalibrationCommand.status(record, now: now)))
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A device's latest calibration in full.")
    @Argument(help: "The device address or calibration key.") var device: String
    @OptionGroup var store: StoreOption

    func run() throws {
      let key = CalibrationCommand.key(device)
      guard let record = try store.withStore({ try $0.currentCalibration(device: key) }) else {
        var standardError = StandardError()
        print("error: no calibration recorded for \(key)", to: &standardError)
        throw ExitCode(1)
      }
      print(CalibrationCommand.json(record))
    }
  }

  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every calibration and drift check of a device.")
    @Argument(help: "The device address or calibration key.") var device: String
    @OptionGroup var store: StoreOption

    func run() throws {
      let key = CalibrationCommand.key(device)
      let records = try store.withStore { try $0.calibrations(device: key) }
      if records.isEmpty { print("no records for \(key)") }
      for record in records {
        let verdict = record.outcome == .accepted ? "pass" : "FAIL"
        let what =
          record.kind == .calibration
          ? String(
            format: "calibration  offset %+.3f gain %.4f  U %.3f", record.offsetC, record.gain,
            record.expandedUncertaintyC)
          : String(
            format: "drift check  error %+.3f °C at %.2f", record.points.first?.residualC ?? 0,
            record.points.first?.setPointC ?? 0)
        print("#\(record.id ?? 0)  \(Timestamp.format(record.time))  \(what)  \(verdict)  by \(record.technician)")
      }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The whole log as CSV or JSON lines.")
    @Option(help: "csv or jsonl.") var format = "csv"
    @OptionGroup var store: StoreOption

    func validate() throws {
      guard format == "csv" || format == "jsonl" else { throw ValidationError("--format must be csv or jsonl") }
    }

    func run() throws {
      let records = try store.withStore { try $0.calibrations() }
      if format == "jsonl" {
        for record in records { print(CalibrationCommand.json(record)) }
        return
      }
      print(
        "id,kind,device,address,time,technician,reference_id,reference_certificate,reference_due,"
          + "reference_uncertainty_c,reference_emissivity,emissivity,ambient_c,humidity_percent,distance_cm,"
          + "set_points_c,readings_c,as_found_errors_c,residuals_c,as_found_calibration_id,as_found_offset_c,"
          + "as_found_gain,offset_c,gain,expanded_uncertainty_c,tolerance_c,outcome,failures,next_due")
      for record in records {
        let optional: (Double?) -> String = { $0.map { String($0) } ?? "" }
        let fields: [String] = [
          "\(record.id ?? 0)", record.kind.rawValue, record.device, record.address, Timestamp.format(record.time),
          record.technician, record.referenceID, record.referenceCertificate ?? "",
          record.referenceDueAt.map(Timestamp.format) ?? "", String(record.referenceUncertaintyC),
          optional(record.referenceEmissivity), optional(record.emissivity), optional(record.ambientC),
          optional(record.humidityPercent), optional(record.distanceCM),
          record.points.map { String($0.setPointC) }.joined(separator: " "),
          // Every raw reading: points separated by ';', readings by ' '.
          record.points.map { $0.readings.map { String(format: "%.3f", $0) }.joined(separator: " ") }
            .joined(separator: ";"),
          record.points.map { String(format: "%.3f", $0.asFoundErrorC) }.joined(separator: " "),
          record.points.map { String(format: "%.3f", $0.residualC) }.joined(separator: " "),
          record.asFoundCalibrationID, String(format: "%.4f", record.asFoundOffsetC),
          String(format: "%.5f", record.asFoundGain),
          String(format: "%.4f", record.offsetC), String(format: "%.5f", record.gain),
          String(format: "%.4f", record.expandedUncertaintyC), String(record.toleranceC), record.outcome.rawValue,
          record.failures.joined(separator: "; "), record.nextDueAt.map(Timestamp.format) ?? "",
        ]
        print(fields.map(RegisterExport.csvField).joined(separator: ","))
      }
    }
  }

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Field drift check at one blackbody point (±0.2 °C), recorded.",
      discussion: """
        Reads the device at one set-point with the correction in force and records the error. \
        Fails (exit 1) beyond ±0.2 °C; warns when it moved more than 0.1 °C since the last check.
        """)

    @Argument(help: "The device address.") var device: String
    @Option(name: .customLong("point"), help: "The blackbody set-point, °C (35 is usual).") var point = 35.0
    @Option(help: "Tolerance, ± °C.") var tolerance = 0.2
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var store: StoreOption

    func validate() throws {
      try reference.validateCommon()
      guard (0.05...0.3).contains(tolerance) else {
        throw ValidationError("--tolerance must be between 0.05 and 0.3 °C")
      }
      guard (30...45).contains(point) else {
        throw ValidationError("--point must be between 30 and 45 °C (35 is usual)")
      }
    }

    func run() throws {
      var standardError = StandardError()
      let now = Date().timeIntervalSince1970
      try reference.checkReference(classC: tolerance * 1.5, now: now)
      let log = try store.openCreating()
      var session = try CalibrationSession(device: device, options: reference)
      let key = session.address.calibrationKey
      let history = try store.report { try log.calibrations(device: key) }
      guard let current = history.last(where: { $0.kind == .calibration }), current.outcome == .accepted else {
        print("error: \(key) has no accepted calibration to check; calibrate it first", to: &standardError)
        throw ExitCode(1)
      }
      let calibration = DeviceCalibration(id: current.calibrationID, offsetC: current.offsetC, gain: current.gain)
      var policy = CalibrationPolicy()
      policy.driftToleranceC = tolerance
      policy.maximumSpreadC = reference.maxSpread
      let measured = try session.measure(point)
      let check: DriftCheck
      do {
        check = try DriftCheck(measured, calibration: calibration, policy: policy)
      } catch {
        print("refused: \(error.description)", to: &standardError)
        throw ExitCode(1)
      }
      print(
        String(
          format: "at %.2f °C: corrected reading %.3f °C, error %+.3f °C (±%.2f)", point, check.correctedMeanC,
          check.errorC, tolerance))
      // Drift is a move under one calibration; a recalibration starts afresh.
      let previousCheck = history.last(where: {
        $0.kind == .check && $0.asFoundCalibrationID == calibration.id
      })?.points.first?.residualC
      let record = CalibrationRecord(
        kind: .check, device: key, address: session.address.description, time: now,
        technician: reference.technician, referenceID: reference.referenceId,
        referenceCertificate: reference.referenceCertificate, referenceDueAt: try reference.referenceDueTime,
        referenceUncertaintyC: reference.referenceUncertainty, referenceEmissivity: reference.referenceEmissivity,
        ambientC: reference.ambientC, humidityPercent: reference.humidity, distanceCM: reference.distanceCm,
        points: [
          CalibrationRecord.Point(
            setPointC: point, readings: measured.readings, asFoundErrorC: check.errorC, residualC: check.errorC)
        ],
        asFoundCalibrationID: calibration.id, asFoundOffsetC: calibration.offsetC, asFoundGain: calibration.gain,
        offsetC: calibration.offsetC, gain: calibration.gain, expandedUncertaintyC: 0, toleranceC: tolerance,
        outcome: check.passed ? .accepted : .outOfService,
        failures: check.passed ? [] : [String(format: "drift %+.3f °C beyond ±%.2f °C", check.errorC, tolerance)],
        nextDueAt: current.nextDueAt)
      let id = try store.report { try log.appendCalibration(record) }
      if let previousCheck, abs(previousCheck - check.errorC) > 0.1 {
        print(
          String(
            format: "warning: moved %+.3f °C since the last check; watch this device", check.errorC - previousCheck))
      }
      if check.passed {
        print("PASS: drift check #\(id) recorded for \(key)")
      } else {
        print("FAIL: drift check #\(id) recorded for \(key); recalibrate before screening with it")
        throw ExitCode(1)
      }
    }
  }

  static func json(_ record: CalibrationRecord) -> String {
    var line = JSONLine()
    line.add("id", Int(record.id ?? 0))
    line.add("kind", record.kind.rawValue)
    line.add("device", record.device)
    line.add("address", record.address)
    line.add("time", Timestamp.format(record.time))
    line.add("technician", record.technician)
    line.add("reference_id", record.referenceID)
    line.add("reference_certificate", record.referenceCertificate)
    line.add("reference_due", record.referenceDueAt.map(Timestamp.format))
    line.add("reference_uncertainty_c", record.referenceUncertaintyC, decimals: 3)
    line.add("reference_emissivity", record.referenceEmissivity, decimals: 3)
    line.add("emissivity", record.emissivity, decimals: 3)
    line.add("ambient_c", record.ambientC)
    line.add("humidity_percent", record.humidityPercent)
    line.add("distance_cm", record.distanceCM)
    let points = record.points.map { point -> String in
      var entry = JSONLine()
      entry.add("set_point_c", point.setPointC)
      entry.addRaw(
        "readings", "[" + point.readings.map { JSONLine.number($0, decimals: 3) }.joined(separator: ",") + "]")
      entry.add("as_found_error_c", point.asFoundErrorC, decimals: 3)
      entry.add("residual_c", point.residualC, decimals: 3)
      return entry.string
    }
    line.addRaw("points", "[" + points.joined(separator: ",") + "]")
    line.add("as_found_calibration_id", record.asFoundCalibrationID)
    line.add("as_found_offset_c", record.asFoundOffsetC, decimals: 4)
    line.add("as_found_gain", record.asFoundGain, decimals: 5)
    line.add("offset_c", record.offsetC, decimals: 4)
    line.add("gain", record.gain, decimals: 5)
    line.add("expanded_uncertainty_c", record.expandedUncertaintyC, decimals: 4)
    line.add("tolerance_c", record.toleranceC)
    line.add("outcome", record.outcome.rawValue)
    line.addRaw("failures", "[" + record.failures.map(JSONLine.quoted).joined(separator: ",") + "]")
    line.add("next_due", record.nextDueAt.map(Timestamp.format))
    line.add("calibration_id", record.calibrationID)
    return line.string
  }
}
