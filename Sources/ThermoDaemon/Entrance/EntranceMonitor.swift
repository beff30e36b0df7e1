import Foundation
import Logging
import Metrics
import ThermoConfiguration
import ThermoCore
import ThermoDevices
import ThermoStore

/// One entrance's screening: takes its device events in order, runs the core pipeline, and turns
/// what happens into register entries, alerts and a visible state. No I/O of its own beyond the
/// outlet, so a test can drive it with events.
///
/// Events carry monotonic gateway time: the pipeline, housekeeping and every interval run on it.
/// Records, alerts, silences, due dates and "today" use the wall clock (`clock.wallTime`).
public struct EntranceMonitor {
  public let entrance: String
  public private(set) var pipeline: EntrancePipeline
  private let outlet: any ScreeningOutlet
  /// Person IDs in alerts and the status follow the register's rule.
  private let personIDs: PersonIDPolicy
  private let status: GatewayStatus
  private let thermometer: String
  private var device: String
  /// Nil until the first publication, so the state gauges are set from the start.
  private var state: EntranceState?
  private var faultState: EntranceState?
  /// A condition alert was raised for the thermometer in this episode (cleared when it opens).
  private var deviceAlertRaised: AlertKind?
  private var deviceOpen = false
  private var readSinceOpen = false
  /// After a reload with the same thermometer: its first reopening is not a new power-up.
  private var skipNextWarmUp = false
  /// A real thermometer with no correction anywhere (log or file) is reported as due.
  private let requiresCalibration: Bool
  /// A sensor-fault screening (stuck, error flags) was alerted; the next judged pass clears it.
  private var sensorFaultAlerted = false
  private var silenced = false
  private var lastHousekeeping = -Double.infinity
  private var lastSilenceCheck = -Double.infinity
  private let logger: Logger
  private var counts: [ScreeningClass: Int] = [:]
  /// The next local midnight: today's counts start again from there.
  private var dayEnd = Double.infinity
  /// The elevated alert that opened each re-check, so a cleared re-check releases that hold.
  private var recheckAlerts: [Int: Int64] = [:]
  /// The thermometer's calibration in force, from the calibration log (nil: none recorded);
  /// the log is read again every minute, so a calibration or a failed drift check made while the
  /// daemon runs takes effect without a restart.
  private var calibration: CalibrationRecord?
  private let calibrationKey: String
  private var calibrationAnnounced = false
  private var lastCalibrationRead = -Double.infinity
  /// The calibration whose due date has been alerted.
  private var dueAlertedFor: Int64?
  private var outOfService: Bool { calibration?.outcome == .outOfService }
  /// Out-of-service alerts carry their own device name, so a device fault that clears (the
  /// device reads again) does not also close the out-of-service alert.
  private var outOfServiceDevice: String { thermometer + " (calibration)" }
  private let samplesCounter: Counter
  private let samplesPerSecond: Gauge
  private var samplesInWindow = 0
  private var rateWindowStart = -Double.infinity
  private let latency: Metrics.Timer
  private let clock: GatewayClock

  public init(
    entrance: String, thermometer: String, pipeline: EntrancePipeline, outlet: any ScreeningOutlet,
    status: GatewayStatus, personIDs: PersonIDPolicy, calibration: CalibrationRecord? = nil,
    calibrationKey: String? = nil, keepsWarmUp: Bool = false, requiresCalibration: Bool = false,
    clock: GatewayClock
  ) {
    self.clock = clock
    let startedAt = clock.wallNow()
    self.requiresCalibration = requiresCalibration
    skipNextWarmUp = keepsWarmUp
    self.calibrationKey = calibrationKey ?? thermometer
    self.personIDs = personIDs
    self.calibration = calibration
    self.entrance = entrance
    self.thermometer = thermometer
    device = thermometer
    var pipeline = pipeline
    if let calibration, calibration.outcome == .accepted {
      // The technician's latest calibration applies (it overrides a correction in the file).
      pipeline.deviceIdentified(
        calibration: DeviceCalibration(
          id: calibration.calibrationID, offsetC: calibration.offsetC, gain: calibration.gain),
        warmUp: pipeline.configuration.warmUp)
    }
    self.pipeline = pipeline
    self.outlet = outlet
    self.status = status
    logger = Logger(label: "thermogate.entrance.\(entrance)")
    samplesCounter = Counter(label: "thermogate_samples_total", dimensions: [("entrance", entrance)])
    samplesPerSecond = Gauge(label: "thermogate_samples_per_second", dimensions: [("entrance", entrance)])
    latency = Metrics.Timer(label: "thermogate_decision_latency_seconds", dimensions: [("entrance", entrance)])
    let level = pipeline.alarmLevel()
    let day = status.day(containing: startedAt)
    status.update(entrance) {
      var fresh = EntranceStatus(
        entrance: entrance, state: .noDevice, since: startedAt, device: thermometer,
        thresholdC: level.thresholdC, thresholdSource: level.source.rawValue, baselineC: level.baselineC)
      // Today's counts came from the register (a restart, a reload); a new day starts at zero.
      if let restored = $0, restored.todayStartedAt == day.start { fresh.today = restored.today }
      fresh.todayStartedAt = day.start
      fresh.calibration = calibration.map(EntranceStatus.Calibration.init)
      fresh.calibrationRequired = requiresCalibration
      $0 = fresh
    }
    dayEnd = day.end
    publishState(at: clock.monotonicNow())
  }

  public mutating func handle(_ event: DeviceEvent) async {
    let wall = clock.wallTime(ofMonotonic: event.time)
    await refreshCalibration(at: event.time, wall: wall)
    switch event {
    case .opened(let name, let time):
      device = name
      deviceOpen = true
      readSinceOpen = false
      faultState = nil
      if skipNextWarmUp {
        skipNextWarmUp = false
        logger.info("thermometer \(name) open again after the reload; its warm-up carries on")
      } else {
        pipeline.deviceConnected(at: time)
        logger.info("thermometer \(name) open; warming up for \(pipeline.configuration.warmUp) s")
      }
      await housekeeping(at: time, force: true)

    case .sample(let sample):
      // The device is back only once it reads again: a port that opens and then never answers
      // stays one fault, not a fault per reopening. Resolved in the store whether or not this
      // process raised them (a restart, a reload), so the next episode notifies again.
      if !readSinceOpen {
        readSinceOpen = true
        if deviceAlertRaised != nil { logger.notice("thermometer \(device) reads again") }
        deviceAlertRaised = nil
        status.update(entrance) { $0?.lastError = nil }
        await outlet.resolve(.deviceMissing, entrance: entrance, device: thermometer, at: wall)
        await outlet.resolve(.deviceFault, entrance: entrance, device: thermometer, at: wall)
      }
      let received = ContinuousClock.now
      samplesCounter.increment()
      samplesInWindow += 1
      status.update(entrance) { $0?.samples += 1 }
      // A device marked out of service by its calibration is read (so its state shows) but
      // never screens anyone.
      if !outOfService, pipeline.ingest(sample) {
        while let decision = pipeline.nextDecision() { await handle(decision) }
        let elapsed = (ContinuousClock.now - received).components
        latency.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
      }
      await housekeeping(at: sample.time, force: false)

    case .readFailed(let fault, let time):
      countDeviceError(fault)
      status.update(entrance) { $0?.lastError = fault.message }
      await housekeeping(at: time, force: false)

    case .closed(let fault, let time), .openFailed(let fault, let time):
      countDeviceError(fault)
      let wasOpen = deviceOpen
      deviceOpen = false
      faultState = fault.kind == .disconnected ? .noDevice : .fault
      status.update(entrance) { $0?.lastError = fault.message }
      if wasOpen { logger.warning("thermometer \(device) lost: \(fault.message)") }
      if deviceAlertRaised == nil {
        if !wasOpen { logger.warning("thermometer \(thermometer) cannot be opened: \(fault.message)") }
        let kind: AlertKind = fault.kind == .disconnected ? .deviceMissing : .deviceFault
        deviceAlertRaised = kind
        let what = kind == .deviceMissing ? "is not connected" : "has failed"
        await outlet.raise(
          Alert(
            kind: kind, entrance: entrance, device: thermometer, raisedAt: wall,
            summary: "\(entrance): thermometer \(thermometer) \(what) (\(fault.kind.rawValue): \(fault.message))",
            details: JSONLine.object(["fault": fault.kind.rawValue, "message": fault.message])))
      }
      await housekeeping(at: time, force: true)

    case .badge(let id, let time):
      pipeline.announcePerson(id, at: time)

    case .auxiliary(let name, let fault, let time):
      if let fault {
        countDeviceError(fault)
        await outlet.raise(
          Alert(
            kind: .deviceFault, entrance: entrance, device: name, raisedAt: wall,
            summary: "\(entrance): \(name) failed (\(fault.kind.rawValue): \(fault.message))",
            details: JSONLine.object(["fault": fault.kind.rawValue, "message": fault.message])))
      } else {
        await outlet.resolve(.deviceFault, entrance: entrance, device: name, at: wall)
      }

    case .tick(let time):
      await housekeeping(at: time, force: false)
    }
  }

  /// At the first event, then once a minute: an out-of-service mark raises a fault (and stops
  /// screening), a newer accepted calibration applies and clears it, a passed due date raises
  /// `calibration_due` (once per calibration; cleared by the next calibration).
  private mutating func refreshCalibration(at time: Double, wall: Double) async {
    if !calibrationAnnounced {
      calibrationAnnounced = true
      lastCalibrationRead = time
      if let calibration, calibration.outcome == .outOfService {
        await announceOutOfService(calibration, at: wall)
      } else if calibration == nil, requiresCalibration {
        dueAlertedFor = 0  // so the first calibration closes it
        await outlet.raise(
          Alert(
            kind: .calibrationDue, entrance: entrance, device: thermometer, raisedAt: wall,
            summary: "\(entrance): \(thermometer) has never been calibrated (thermogate calibrate)",
            details: JSONLine.object(["calibration": "none"])))
      } else if let calibration {
        // Closes what an earlier run raised and a recalibration has since answered.
        await outlet.resolve(.deviceFault, entrance: entrance, device: outOfServiceDevice, at: wall)
        if (calibration.nextDueAt ?? .infinity) > wall {
          await outlet.resolve(.calibrationDue, entrance: entrance, device: thermometer, at: wall)
        }
      }
    } else if time - lastCalibrationRead >= 60 {
      lastCalibrationRead = time
      if let latest = await outlet.calibration(for: calibrationKey), latest.id != calibration?.id {
        await adopt(latest, at: time, wall: wall)
      }
    }
    if let calibration, calibration.outcome == .accepted, let due = calibration.nextDueAt, due < wall,
      dueAlertedFor != calibration.id
    {
      dueAlertedFor = calibration.id
      await outlet.raise(
        Alert(
          kind: .calibrationDue, entrance: entrance, device: thermometer, raisedAt: wall,
          summary: "\(entrance): calibration of \(thermometer) was due on \(Timestamp.format(due))",
          details: JSONLine.object(["calibration": "\(calibration.id ?? 0)", "due": Timestamp.format(due)])))
    }
  }

  private mutating func adopt(_ record: CalibrationRecord, at time: Double, wall: Double) async {
    let wasOutOfService = outOfService
    calibration = record
    status.update(entrance) { $0?.calibration = EntranceStatus.Calibration(record) }
    switch record.outcome {
    case .accepted:
      pipeline.deviceIdentified(
        calibration: DeviceCalibration(id: record.calibrationID, offsetC: record.offsetC, gain: record.gain),
        warmUp: pipeline.configuration.warmUp)
      logger.notice("\(entrance): calibration #\(record.id ?? 0) of \(thermometer) applies from now")
      if wasOutOfService {
        status.update(entrance) { $0?.lastError = nil }
        await outlet.resolve(.deviceFault, entrance: entrance, device: outOfServiceDevice, at: wall)
      }
      if dueAlertedFor != nil, (record.nextDueAt ?? .infinity) > wall {
        dueAlertedFor = nil
        await outlet.resolve(.calibrationDue, entrance: entrance, device: thermometer, at: wall)
      }
    case .outOfService:
      await announceOutOfService(record, at: wall)
    }
    await housekeeping(at: time, force: true)
  }

  private func announceOutOfService(_ record: CalibrationRecord, at wall: Double) async {
    let reasons = record.failures.joined(separator: "; ")
    let what = record.kind == .check ? "drift check" : "calibration"
    status.update(entrance) { $0?.lastError = "out of service since \(what) #\(record.id ?? 0): \(reasons)" }
    await outlet.raise(
      Alert(
        kind: .deviceFault, entrance: entrance, device: outOfServiceDevice, raisedAt: wall,
        summary: "\(entrance): thermometer \(thermometer) is out of service (\(what) #\(record.id ?? 0): "
          + "\(reasons)); recalibrate it", details: JSONLine.object(["calibration": "\(record.id ?? 0)"])))
  }

  /// Once a second of gateway time: passes whose samples stopped end, re-check windows close,
  /// the silence list is consulted, and the state follows the warm-up.
  private mutating func housekeeping(at time: Double, force: Bool) async {
    guard force || time - lastHousekeeping >= 1 else { return }
    // Samples per second of gateway time, over the last ten seconds or so.
    if time - rateWindowStart >= 10 {
      if rateWindowStart > -Double.infinity {
        samplesPerSecond.record(Double(samplesInWindow) / (time - rateWindowStart))
      }
      rateWindowStart = time
      samplesInWindow = 0
    }
    lastHousekeeping = time
    if let decision = pipeline.endPassIfStalled(asOf: time) { await handle(decision) }
    while let expiry = pipeline.nextExpiredRecheck(asOf: time) {
      logger.notice(
        "\(entrance): re-check \(expiry.id) (body \(String(format: "%.1f", expiry.bodyC)) °C) was not done in time")
    }
    if force || time - lastSilenceCheck >= 5 {
      lastSilenceCheck = time
      silenced = await outlet.isSilenced(entrance: entrance, at: clock.wallTime(ofMonotonic: time))
    }
    if publishState(at: time), let state { await outlet.stateChanged(entrance: entrance, to: state) }
  }

  /// Updates the status board; true when the state changed.
  @discardableResult
  private mutating func publishState(at time: Double) -> Bool {
    let wall = clock.wallTime(ofMonotonic: time)
    let next: EntranceState
    if silenced {
      next = .silenced
    } else if outOfService {
      next = .fault
    } else if let faultState {
      next = faultState
    } else if !deviceOpen {
      next = .noDevice
    } else {
      next = pipeline.isWarmingUp(at: time) ? .warming : .ready
    }
    let level = pipeline.alarmLevel()
    let rechecks = pipeline.openRechecks
    let personIDs = personIDs
    let clock = clock
    // Shown as wall times: the dashboard counts down to the deadline on the wall clock it reads.
    let windows = pipeline.openRecheckWindows.map {
      EntranceStatus.Recheck(
        id: $0.id, person: personIDs.protect($0.person), openedAt: clock.wallTime(ofMonotonic: $0.openedAt),
        deadline: clock.wallTime(ofMonotonic: $0.deadline), bodyC: $0.bodyC)
    }
    rollDay(at: wall)
    let changed = next != state
    if changed {
      for candidate in EntranceState.allCases {
        Gauge(label: "thermogate_entrance_state", dimensions: [("entrance", entrance), ("state", candidate.rawValue)])
          .record(candidate == next ? 1 : 0)
      }
      logger.info("\(entrance): \(state?.rawValue ?? "starting") → \(next.rawValue)")
      state = next
    }
    status.update(entrance) {
      if changed { $0?.since = wall }
      $0?.state = next
      $0?.device = device
      $0?.thresholdC = level.thresholdC
      $0?.thresholdSource = level.source.rawValue
      $0?.baselineC = level.baselineC
      $0?.openRechecks = rechecks
      $0?.rechecks = windows
    }
    return changed
  }

  /// At local midnight (on the wall clock) today's counts start from zero.
  private mutating func rollDay(at time: Double) {
    guard time >= dayEnd else { return }
    let day = status.day(containing: time)
    dayEnd = day.end
    status.update(entrance) {
      $0?.today = [:]
      $0?.todayStartedAt = day.start
    }
  }

  private func countDeviceError(_ fault: DeviceFault) {
    status.update(entrance) { $0?.deviceErrors += 1 }
    Counter(
      label: "thermogate_device_errors_total", dimensions: [("entrance", entrance), ("kind", fault.kind.rawValue)]
    )
    .increment()
  }

  /// A decision of the pipeline (monotonic time), registered and alerted with its wall time.
  private mutating func handle(_ monotonicDecision: Decision) async {
    var decision = monotonicDecision
    decision.time = clock.wallTime(ofMonotonic: monotonicDecision.time)
    counts[decision.screeningClass, default: 0] += 1
    Counter(
      label: "thermogate_screenings_total",
      dimensions: [("entrance", entrance), ("class", decision.screeningClass.rawValue)]
    ).increment()
    let registerID = await outlet.record(decision, entrance: entrance, device: device)
    let counts = Dictionary(uniqueKeysWithValues: self.counts.map { ($0.key.rawValue, $0.value) })
    rollDay(at: decision.time)
    if decision.bodyC != nil {
      status.history.append(
        entrance: entrance, time: decision.time, bodyC: decision.bodyC,
        screeningClass: decision.screeningClass.rawValue, thresholdC: decision.thresholdC,
        baselineC: decision.baselineC)
    }
    var screening = ScreeningMessage(
      decision: decision, entrance: entrance, device: device, person: personIDs.protect(decision.person),
      time: .seconds(decision.time))
    // The re-check window is kept in the pipeline's monotonic time; the status shows wall time.
    if let recheck = decision.recheck {
      screening.recheck?.openedAt = .seconds(clock.wallTime(ofMonotonic: recheck.openedAt))
      screening.recheck?.deadline = .seconds(clock.wallTime(ofMonotonic: recheck.deadline))
    }
    status.update(entrance) {
      $0?.today[decision.screeningClass.rawValue, default: 0] += 1
      $0?.counts = counts
      $0?.lastScreening = screening
    }
    let body = decision.bodyC.map { String(format: "%.1f °C", $0) } ?? "-"
    let threshold = String(format: "%.1f °C", decision.thresholdC)
    let who = personIDs.protect(decision.person).map { " (\($0))" } ?? ""
    if sensorFaultAlerted, [.normal, .elevated, .fever].contains(decision.screeningClass) {
      sensorFaultAlerted = false
      await outlet.resolve(.deviceFault, entrance: entrance, device: device, at: decision.time)
    }
    switch decision.screeningClass {
    case .fever:
      await outlet.raise(
        Alert(
          kind: .fever, entrance: entrance, device: device, raisedAt: decision.time,
          summary: "FEVER at \(entrance)\(who): body \(body), threshold \(threshold); hold and call the duty doctor",
          details: details(decision), screeningID: registerID))
    case .elevated:
      let alertID = await outlet.raise(
        Alert(
          kind: .elevated, entrance: entrance, device: device, raisedAt: decision.time,
          summary: "Elevated at \(entrance)\(who): body \(body), threshold \(threshold); re-check in a few minutes",
          details: details(decision), screeningID: registerID))
      if let recheck = decision.recheck, recheck.role == .opened, let alertID {
        recheckAlerts[recheck.id] = alertID
        if recheckAlerts.count > 1000, let oldest = recheckAlerts.keys.min() { recheckAlerts[oldest] = nil }
      }
    case .fault:
      sensorFaultAlerted = true
      await outlet.raise(
        Alert(
          kind: .deviceFault, entrance: entrance, device: device, raisedAt: decision.time,
          summary: "\(entrance): sensor fault on \(device) (\(decision.reason.rawValue))", details: details(decision),
          screeningID: registerID))
    case .normal where decision.recheck?.role == .cleared:
      if let recheck = decision.recheck, let alertID = recheckAlerts.removeValue(forKey: recheck.id) {
        await outlet.releaseGate(entrance: entrance, alertID: alertID)
      }
    case .normal, .retry, .noSubject:
      break
    }
  }

  private func details(_ decision: Decision) -> String {
    var fields: [String: String] = [
      "class": decision.screeningClass.rawValue, "reason": decision.reason.rawValue,
      "threshold_c": String(format: "%.2f", decision.thresholdC),
    ]
    if let body = decision.bodyC { fields["body_c"] = String(format: "%.2f", body) }
    if let recheck = decision.recheck { fields["recheck"] = "\(recheck.id):\(recheck.role.rawValue)" }
    return JSONLine.object(fields)
  }
}

extension EntranceStatus.Calibration {
  init(_ record: CalibrationRecord) {
    self.init(
      id: record.id, kind: record.kind.rawValue, outcome: record.outcome.rawValue, time: record.time,
      nextDueAt: record.nextDueAt, technician: record.technician, offsetC: record.offsetC, gain: record.gain,
      failures: record.failures)
  }
}
