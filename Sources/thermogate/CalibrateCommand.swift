import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoDevices
import ThermoDispatch
import ThermoGateway
import ThermoSimulation
import ThermoStore

/// Reference and conditions every calibration record carries (screening practice §6 item 16).
struct ReferenceOptions: ParsableArguments {
  @Option(help: "The blackbody's ID (asset number).")
  var referenceId: String

  @Option(help: "The blackbody's standard uncertainty, °C; at most a third of the class.")
  var referenceUncertainty: Double

  @Option(help: "The blackbody's calibration certificate number.")
  var referenceCertificate: String?

  @Option(help: "The certificate's due date (YYYY-MM-DD); an expired reference is refused.")
  var referenceDue: String?

  @Option(help: "The blackbody's emissivity; below 0.995 is refused.")
  var referenceEmissivity: Double?

  @Option(help: "Who does it.")
  var technician: String

  @Option(help: "Room temperature during the work, °C.")
  var ambientC: Double?

  @Option(help: "Relative humidity during the work, %.")
  var humidity: Double?

  @Option(help: "Distance from the sensor to the blackbody, cm.")
  var distanceCm: Double?

  @Option(help: "Readings averaged per set-point.")
  var samples = 10

  @Option(help: "Seconds between readings.")
  var interval = 0.2

  @Option(help: "Largest spread (max − min) of one point's readings, °C, before it is refused as unstable.")
  var maxSpread = 0.3

  @Flag(help: "Do not ask before each set-point (the blackbody is already there, or a script drives it).")
  var yes = false

  var referenceDueTime: Double? {
    get throws {
      guard let referenceDue else { return nil }
      guard let time = Timestamp.parse(referenceDue.count == 10 ? referenceDue + "T23:59:59Z" : referenceDue) else {
        throw ValidationError("--reference-due: '\(referenceDue)' is not a date (YYYY-MM-DD)")
      }
      return time
    }
  }

  /// Refusals that need no device: an expired certificate, a reference that is too uncertain for
  /// the class or not black enough.
  func checkReference(classC: Double, now: Double) throws {
    var standardError = StandardError()
    var refusals: [String] = []
    if let due = try referenceDueTime, due < now {
      refusals.append("the reference's certificate expired on \(referenceDue ?? "")")
    }
    if referenceUncertainty > classC / 3 + 1e-12 {
      refusals.append(
        String(
          format: "the reference's uncertainty %.3f °C exceeds a third of the class (%.3f °C); use a better reference",
          referenceUncertainty, classC / 3))
    }
    if let emissivity = referenceEmissivity, emissivity < 0.995 {
      refusals.append(String(format: "the reference's emissivity %.3f is below 0.995", emissivity))
    }
    guard refusals.isEmpty else {
      for refusal in refusals { print("refused: \(refusal)", to: &standardError) }
      throw ExitCode(2)
    }
  }

  func validateCommon() throws {
    // EURAMET: at least ten readings averaged per point.
    guard samples >= 10 else { throw ValidationError("--samples must be at least 10") }
    guard (0.05...0.5).contains(maxSpread) else {
      throw ValidationError("--max-spread must be between 0.05 and 0.5 °C")
    }
    for (name, value) in [
      ("--reference-uncertainty", Optional(referenceUncertainty)), ("--reference-emissivity", referenceEmissivity),
      ("--ambient-c", ambientC), ("--humidity", humidity), ("--distance-cm", distanceCm),
    ] {
      if let value, !value.isFinite { throw ValidationError("\(name) must be a number") }
    }
    if let referenceEmissivity, !(0...1).contains(referenceEmissivity) {
      throw ValidationError("--reference-emissivity must be between 0 and 1")
    }
    guard interval >= 0, interval.isFinite else { throw ValidationError("--interval must be 0 or more seconds") }
    guard referenceUncertainty >= 0 else { throw ValidationError("--reference-uncertainty must not be negative") }
    guard !technician.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw ValidationError("--technician must name who does it")
    }
    _ = try referenceDueTime
  }
}

/// An open thermometer for the technician's tools, with the simulated blackbody it faces (if any).
struct CalibrationSession {
  let address: DeviceAddress
  var thermometer: any Thermometer
  let blackbody: Blackbody?
  let options: ReferenceOptions

  init(device: String, options: ReferenceOptions) throws {
    var standardError = StandardError()
    do {
      address = try DeviceAddress(parsing: device)
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
    self.options = options
    blackbody = SimulatedThermometerOpener.blackbody(for: address)
    let usb = address.driver.isUSB ? try? USBContext() : nil
    var opener = SimulatedThermometerOpener(
      hardware: ThermometerOpener(usb: usb), clock: { Date().timeIntervalSince1970 })
    opener.blackbody = blackbody
    do {
      thermometer = try opener.openThermometer(address)
    } catch {
      print("error: cannot open \(address): \(error.message)", to: &standardError)
      throw ExitCode(1)
    }
  }

  /// Asks for the set-point (unless --yes), then takes the readings with a progress bar.
  mutating func measure(_ setPointC: Double) throws -> CalibrationPoint {
    var standardError = StandardError()
    if let blackbody {
      // The simulated blackbody is set by the tool, as the technician sets the real one.
      blackbody.setPointC = setPointC
    }
    if !options.yes {
      print(
        String(
          format: "Set the blackbody to %.2f °C, let it settle, aim the sensor at it, then press Enter", setPointC),
        terminator: " (q aborts): ", to: &standardError)
      let answer = readLine(strippingNewline: true) ?? "q"
      if answer.lowercased().hasPrefix("q") {
        print("aborted; nothing recorded", to: &standardError)
        throw ExitCode(1)
      }
    }
    var readings: [Double] = []
    var failures = 0
    while readings.count < options.samples {
      do throws(DeviceFault) {
        let sample = try thermometer.sample(at: Date().timeIntervalSince1970)
        if sample.sensorError {
          failures += 1
        } else {
          readings.append(sample.objectC)
        }
        if failures > options.samples {
          print("\nerror: the sensor keeps flagging its readings as erroneous; nothing recorded", to: &standardError)
          Foundation.exit(1)
        }
      } catch {
        failures += 1
        if failures > options.samples {
          print("\nerror: the device keeps failing (\(error.message)); nothing recorded", to: &standardError)
          throw ExitCode(1)
        }
      }
      let filled = readings.count * 20 / options.samples
      let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled)
      print(
        String(format: "\r  %.2f °C  [%@] %d/%d", setPointC, bar, readings.count, options.samples), terminator: "",
        to: &standardError)
      if readings.count < options.samples, options.interval > 0 { Thread.sleep(forTimeInterval: options.interval) }
    }
    print("", to: &standardError)
    return CalibrationPoint(setPointC: setPointC, readings: readings)
  }
}

struct CalibrateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "calibrate",
    abstract: "Calibrate a thermometer against a blackbody and record it.",
    discussion: """
      At each --point the technician sets the blackbody and aims the sensor (the tool asks, unless \
      --yes); --samples readings are averaged. A point whose readings spread more than --max-spread \
      is refused as unstable (repeat it, or Ctrl-C). The as-found error is recorded, then an offset \
      (one point) or offset and gain (two or more) is fitted; residuals and the expanded \
      uncertainty (k = 2) are printed. Accepted when every point is within ±--class after \
      adjustment and the correction is within bounds (offset ±1.0 °C, gain 0.95–1.05); otherwise \
      the device is marked out of service (exit 1) and the daemon will not screen with it. A \
      reference whose uncertainty exceeds a third of the class, whose certificate has expired or \
      whose emissivity is below 0.995 is refused (exit 2) before anything is measured. Every \
      calibration is appended to the log in the database, keyed by the device's serial (or port \
      or path). A simulated thermometer with ?blackbody=true&offset=…&gain=… faces a simulated \
      blackbody that this tool sets.
      """)

  @Argument(help: "The device address (see `thermogate devices`).")
  var device: String

  @Option(name: .customLong("point"), help: "A blackbody set-point, °C (repeat: two or more fit a gain).")
  var points: [Double] = []

  @OptionGroup var reference: ReferenceOptions

  @Option(help: "Emissivity to write to the device before measuring (MLX90614 and Optris heads).")
  var emissivity: Double?

  @Option(name: .customLong("class"), help: "Accuracy class after adjustment, ± °C.")
  var classC = 0.3

  @Option(help: "Days until the next calibration is due.")
  var intervalDays = 365.0

  @OptionGroup var store: StoreOption

  func validate() throws {
    guard !points.isEmpty else { throw ValidationError("give at least one --point (two or more fit a gain)") }
    guard points.allSatisfy({ (30...45).contains($0) }) else {
      throw ValidationError(
        "--point must be a blackbody temperature between 30 and 45 °C (35–40 °C spans the screening range)")
    }
    // ASTM E1965 / ISO 80601-2-56: 0.3 °C for forehead thermometers, 0.4–0.5 °C for screeners and imagers.
    guard (0.1...0.5).contains(classC) else { throw ValidationError("--class must be between 0.1 and 0.5 °C") }
    // Full calibration at least every twelve months.
    guard intervalDays > 0, intervalDays <= 366 else { throw ValidationError("--interval-days must be 1–366") }
    try reference.validateCommon()
  }

  func run() throws {
    var standardError = StandardError()
    let now = Date().timeIntervalSince1970
    try reference.checkReference(classC: classC, now: now)
    let log = try store.openCreating()
    var session = try CalibrationSession(device: device, options: reference)
    let key = session.address.calibrationKey
    // As found: the last accepted calibration (what the daemon applied), even when a later drift
    // check failed.
    let previous = try store.report {
      try log.calibrations(device: key).last { $0.kind == .calibration && $0.outcome == .accepted }
    }
    let asFound =
      previous.map { DeviceCalibration(id: $0.calibrationID, offsetC: $0.offsetC, gain: $0.gain) } ?? .identity

    if let emissivity {
      guard var adjustable = session.thermometer as? any Thermometer & EmissivitySetting else {
        print(
          "error: \(session.address.driver.rawValue) devices have no emissivity setting to write", to: &standardError)
        throw ExitCode(1)
      }
      do {
        try adjustable.applyEmissivity(emissivity)
      } catch {
        print("error: \(error.message)", to: &standardError)
        throw ExitCode(1)
      }
      if adjustable.emissivityNeedsPowerCycle {
        // Readings now would be taken under the old value and recorded under the new one.
        print(
          String(
            format: "emissivity %.3f written; the sensor applies it after a power cycle: unplug and replug the head, "
              + "then run calibrate again without --emissivity. Nothing else was recorded.", emissivity))
        return
      }
      session.thermometer = adjustable
    }
    // What the device measures with, as recorded: read back where the device can say.
    var recordedEmissivity = emissivity
    if var adjustable = session.thermometer as? any Thermometer & EmissivitySetting,
      let current = try? adjustable.currentEmissivity()
    {
      recordedEmissivity = current
      session.thermometer = adjustable
    }

    var policy = CalibrationPolicy()
    policy.toleranceC = classC
    policy.maximumSpreadC = reference.maxSpread
    var measured: [CalibrationPoint] = []
    for setPoint in points {
      while true {
        let point = try session.measure(setPoint)
        if point.spreadC <= policy.maximumSpreadC {
          measured.append(point)
          break
        }
        print(
          CalibrationProblem.unstablePoint(setPointC: setPoint, spreadC: point.spreadC, limitC: policy.maximumSpreadC)
            .description, to: &standardError)
        if reference.yes { throw ExitCode(1) }
      }
    }

    let result: CalibrationResult
    do {
      result = try CalibrationFit.fit(
        measured, asFound: asFound, referenceUncertaintyC: reference.referenceUncertainty, policy: policy)
    } catch {
      print("refused: \(error.description)", to: &standardError)
      throw ExitCode(2)
    }
    print(CalibrationReport.table(result, asFound: asFound, classC: classC))

    let record = CalibrationRecord(
      kind: .calibration, device: key, address: session.address.description, time: now,
      technician: reference.technician, referenceID: reference.referenceId,
      referenceCertificate: reference.referenceCertificate, referenceDueAt: try reference.referenceDueTime,
      referenceUncertaintyC: reference.referenceUncertainty, referenceEmissivity: reference.referenceEmissivity,
      emissivity: recordedEmissivity, ambientC: reference.ambientC, humidityPercent: reference.humidity,
      distanceCM: reference.distanceCm,
      points: zip(measured, result.points).map { point, fitted in
        CalibrationRecord.Point(
          setPointC: point.setPointC, readings: point.readings, asFoundErrorC: fitted.asFoundErrorC,
          residualC: fitted.residualC)
      },
      asFoundCalibrationID: asFound.id, asFoundOffsetC: asFound.offsetC, asFoundGain: asFound.gain,
      offsetC: result.offsetC, gain: result.gain, expandedUncertaintyC: result.expandedUncertaintyC, toleranceC: classC,
      outcome: result.passed ? .accepted : .outOfService, failures: result.failures,
      nextDueAt: result.passed ? now + intervalDays * 86_400 : nil)
    let id = try store.report { try log.appendCalibration(record) }
    if result.passed {
      print(
        "ACCEPTED: calibration #\(id) recorded for \(key); next due \(Timestamp.format(now + intervalDays * 86_400))")
    } else {
      print("OUT OF SERVICE: calibration #\(id) recorded for \(key):")
      for failure in result.failures { print("  \(failure)") }
      throw ExitCode(1)
    }
  }
}

enum CalibrationReport {
  static func table(_ result: CalibrationResult, asFound: DeviceCalibration, classC: Double) -> String {
    var lines = ["set-point °C   mean raw °C   spread °C   as found °C   residual °C"]
    for point in result.points {
      lines.append(
        String(
          format: "%10.2f   %11.3f   %9.3f   %+11.3f   %+11.3f", point.setPointC, point.meanRawC, point.spreadC,
          point.asFoundErrorC, point.residualC))
    }
    lines.append(
      String(
        format: "as found: offset %+.3f °C, gain %.4f (%@); as left: offset %+.3f °C, gain %.4f", asFound.offsetC,
        asFound.gain, asFound.id, result.offsetC, result.gain))
    lines.append(
      String(format: "expanded uncertainty U = %.3f °C (k = 2); class ±%.2f °C", result.expandedUncertaintyC, classC))
    return lines.joined(separator: "\n")
  }
}
