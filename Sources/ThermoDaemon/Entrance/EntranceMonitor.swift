import Foundation
import Logging
import ThermoConfiguration
import ThermoCore
import ThermoDevices
import ThermoStore

/// One entrance's screening and access: takes its device events in order, runs the entrance
/// machine (the screening core and the access decisions, `EntranceMachine`), and performs what
/// it asks — register rows, alerts, releases, the guard's line — and a visible state. It follows the thermometer's
/// life (open, reading, lost, warming up) and the entrance's silences; calibration
/// (`CalibrationWatch`), the status board (`EntranceBoard`), alert wording (`EntranceAlerts`),
/// metrics (`EntranceMetrics`) and the re-check holds (`RecheckHolds`) each have their own type.
/// No I/O of its own beyond the outlet, so a test can drive it with events.
///
/// Events carry monotonic gateway time: the pipeline, housekeeping and every interval run on it.
/// Records, alerts, silences, due dates and "today" use the wall clock (`clock.wallTime`).
public struct EntranceMonitor {
  public let entrance: String
  public private(set) var machine: EntranceMachine
  /// The screening core, which a reload carries over.
  public var pipeline: EntrancePipeline { machine.pipeline }
  private let outlet: any ScreeningOutlet
  /// Person IDs in alerts and the status follow the register's rule.
  private let personIDs: PersonIDPolicy
  private let thermometer: String
  private let clock: GatewayClock
  private let logger: Logger
  private let alerts: EntranceAlerts
  private var board: EntranceBoard
  private var metrics: EntranceMetrics
  private var calibrations: CalibrationWatch
  private var holds = RecheckHolds()

  /// The thermometer's name as the register has it (the opened device's own).
  private var device: String
  private var deviceOpen = false
  private var readSinceOpen = false
  /// Why the device is away, until it reads again.
  private var faultState: EntranceState?
  /// A condition alert was raised for the thermometer in this episode (cleared when it reads).
  private var deviceAlertRaised: AlertKind?
  /// After a reload with the same thermometer: its first reopening is not a new power-up.
  private var skipNextWarmUp = false
  /// A sensor-fault screening (stuck, error flags) was alerted; the next judged pass clears it.
  private var sensorFaultAlerted = false
  private var silenced = false
  private var lastHousekeeping = -Double.infinity
  private var lastSilenceCheck = -Double.infinity
  private var lastDirectoryCheck = -Double.infinity
  private var lastSecondaryCheck = -Double.infinity
  /// One-time passes of people the secondary station cleared, by the ID as the register keeps
  /// it: the case and its expiry (wall clock).
  private var secondaryPasses: [String: (caseID: Int64, until: Double)] = [:]
  /// Cases whose clinical settlement this entrance has applied (re-check closed, hold released).
  private var secondarySettled: Set<Int64> = []
  private var relayWorks = true
  /// The credentials accepted, as last read from the store, and the version read.
  private var directory = AccessDirectory()
  private var directoryVersion: Int?
  /// Register rows of recent screenings, for an ID that pairs with a reading after its batch.
  private var recentScreeningIDs: [(time: Seconds, id: Int64)] = []

  public init(
    entrance: String, thermometer: String, pipeline: EntrancePipeline, outlet: any ScreeningOutlet,
    status: GatewayStatus, personIDs: PersonIDPolicy, calibration: CalibrationRecord? = nil,
    calibrationKey: String? = nil, keepsWarmUp: Bool = false, requiresCalibration: Bool = false,
    access: AccessSettings = AccessSettings(mode: .screen), clock: GatewayClock
  ) {
    self.entrance = entrance
    self.thermometer = thermometer
    self.outlet = outlet
    self.personIDs = personIDs
    self.clock = clock
    device = thermometer
    skipNextWarmUp = keepsWarmUp
    logger = Logger(label: "thermogate.entrance.\(entrance)")
    alerts = EntranceAlerts(entrance: entrance, thermometer: thermometer, personIDs: personIDs)
    metrics = EntranceMetrics(entrance: entrance)
    calibrations = CalibrationWatch(
      calibration: calibration, key: calibrationKey ?? thermometer, requiresCalibration: requiresCalibration)
    var pipeline = pipeline
    if let calibration, calibration.outcome == .accepted {
      // The technician's latest calibration applies (it overrides a correction in the file).
      pipeline.deviceIdentified(
        calibration: DeviceCalibration(
          id: calibration.calibrationID, offsetC: calibration.offsetC, gain: calibration.gain),
        warmUp: pipeline.configuration.warmUp)
    }
    machine = EntranceMachine(pipeline: pipeline, access: access)
    board = EntranceBoard(
      entrance: entrance, thermometer: thermometer, status: status, level: Self.level(of: pipeline),
      calibration: calibration, requiresCalibration: requiresCalibration, mode: access.mode,
      startedAt: clock.wallNow())
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
        machine.pipeline.deviceConnected(at: time)
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
        board.update { $0?.lastError = nil }
        await outlet.resolve(.deviceMissing, entrance: entrance, device: thermometer, at: wall)
        await outlet.resolve(.deviceFault, entrance: entrance, device: thermometer, at: wall)
      }
      let received = ContinuousClock.now
      metrics.sampleReceived()
      board.update { $0?.samples += 1 }
      // A device marked out of service by its calibration is read (so its state shows) but
      // never screens anyone.
      if !calibrations.outOfService {
        let actions = machine.ingest(sample)
        if !actions.isEmpty {
          await perform(actions)
          metrics.decided(since: received)
        }
      }
      await housekeeping(at: sample.time, force: false)

    case .readFailed(let fault, let time):
      countDeviceError(fault)
      board.update { $0?.lastError = fault.message }
      await housekeeping(at: time, force: false)

    case .closed(let fault, let time), .openFailed(let fault, let time):
      countDeviceError(fault)
      let wasOpen = deviceOpen
      deviceOpen = false
      faultState = fault.kind == .disconnected ? .noDevice : .fault
      board.update { $0?.lastError = fault.message }
      if wasOpen { logger.warning("thermometer \(device) lost: \(fault.message)") }
      if deviceAlertRaised == nil {
        if !wasOpen { logger.warning("thermometer \(thermometer) cannot be opened: \(fault.message)") }
        let kind: AlertKind = fault.kind == .disconnected ? .deviceMissing : .deviceFault
        deviceAlertRaised = kind
        await outlet.raise(alerts.thermometerLost(kind, fault: fault, at: wall))
      }
      await housekeeping(at: time, force: true)

    case .badge(let id, let time):
      await refreshDirectory(at: time, force: false)
      let key = personIDs.protect(id) ?? id
      // A re-check restored from the register names the person as it keeps them.
      if key != id { machine.pipeline.relinkRecheck(person: key, to: id) }
      if let pass = secondaryPasses[key], pass.until > wall {
        machine.pipeline.clearAtSecondary(person: id, until: time + (pass.until - wall))
      }
      let credential = directory.check(key, presented: id, atWall: wall)
      await perform(machine.present(credential, at: time))

    case .badgeUnreadable(let why, let time):
      logger.notice("\(entrance): a badge read was not taken: \(why)")
      metrics.badgeUnreadable()
      board.show(GuardLine(pass: 0, time: time, instruction: .badgeAgain, reason: nil), at: wall)

    case .auxiliary(let name, let fault, _):
      if let fault {
        countDeviceError(fault)
        await outlet.raise(alerts.auxiliaryFailed(name, fault: fault, at: wall))
      } else {
        await outlet.resolve(.deviceFault, entrance: entrance, device: name, at: wall)
      }

    case .tick(let time):
      await housekeeping(at: time, force: false)
    }
  }

  /// At the first event, then once a minute: the calibration log decides, the monitor acts.
  private mutating func refreshCalibration(at time: Double, wall: Double) async {
    await perform(calibrations.begin(at: time, wall: wall, alerts: alerts), at: wall)
    if calibrations.wantsRead(at: time) {
      let latest = await outlet.calibration(for: calibrations.key)
      let read = calibrations.read(latest, at: time, wall: wall, alerts: alerts)
      if !read.isEmpty {
        await perform(read, at: wall)
        await housekeeping(at: time, force: true)
      }
    }
    await perform(calibrations.checkDue(at: wall, alerts: alerts), at: wall)
  }

  private mutating func perform(_ effects: [CalibrationWatch.Effect], at wall: Double) async {
    for effect in effects {
      switch effect {
      case .raise(let alert):
        await outlet.raise(alert)
      case .resolve(let kind, let device):
        await outlet.resolve(kind, entrance: entrance, device: device, at: wall)
      case .apply(let calibration):
        machine.pipeline.deviceIdentified(calibration: calibration, warmUp: pipeline.configuration.warmUp)
        logger.notice("\(entrance): calibration \(calibration.id) of \(thermometer) applies from now")
      case .show(let record):
        board.update { $0?.calibration = EntranceStatus.Calibration(record) }
      case .note(let note):
        board.update { $0?.lastError = note }
      }
    }
  }

  /// Once a second of gateway time: passes whose samples stopped end, re-check windows close,
  /// the silence list is consulted, and the state follows the warm-up.
  private mutating func housekeeping(at time: Double, force: Bool) async {
    guard force || time - lastHousekeeping >= 1 else { return }
    metrics.updateRate(at: time)
    lastHousekeeping = time
    machine.thermometer(available: deviceOpen && faultState == nil && !calibrations.outOfService)
    await followRelay(at: clock.wallTime(ofMonotonic: time))
    await perform(machine.tick(at: time))
    await refreshDirectory(at: time, force: force)
    await refreshSecondary(at: time)
    if force || time - lastSilenceCheck >= 5 {
      lastSilenceCheck = time
      silenced = await outlet.isSilenced(entrance: entrance, at: clock.wallTime(ofMonotonic: time))
    }
    if publishState(at: time), let state = board.state { await outlet.stateChanged(entrance: entrance, to: state) }
  }

  /// Updates the status board; true when the state changed.
  @discardableResult
  private mutating func publishState(at time: Double) -> Bool {
    let next: EntranceState
    if silenced {
      next = .silenced
    } else if calibrations.outOfService {
      next = .fault
    } else if let faultState {
      next = faultState
    } else if !deviceOpen {
      next = .noDevice
    } else {
      next = pipeline.isWarmingUp(at: time) ? .warming : .ready
    }
    let personIDs = personIDs
    let clock = clock
    // Shown as wall times: the dashboard counts down to the deadline on the wall clock it reads.
    let windows = pipeline.openRecheckWindows.map {
      EntranceStatus.Recheck(
        id: $0.id, person: personIDs.protect($0.person), openedAt: clock.wallTime(ofMonotonic: $0.openedAt),
        deadline: clock.wallTime(ofMonotonic: $0.deadline), bodyC: $0.bodyC)
    }
    let previous = board.state
    let changed = board.show(
      next, at: clock.wallTime(ofMonotonic: time), device: device, level: Self.level(of: pipeline),
      openRechecks: pipeline.openRechecks, rechecks: windows)
    if changed {
      metrics.state(next)
      logger.info("\(entrance): \(previous?.rawValue ?? "starting") → \(next.rawValue)")
    }
    return changed
  }

  private func countDeviceError(_ fault: DeviceFault) {
    board.update { $0?.deviceErrors += 1 }
    metrics.deviceError(fault)
  }

  /// A turnstile relay that stopped doing what it is told: the entrance cannot let anyone
  /// through, so it denies as a device fault (never a default grant) and an alert says so, until
  /// the relay works again.
  private mutating func followRelay(at wall: Double) async {
    let works = await outlet.gateWorks(entrance: entrance)
    guard works != relayWorks else { return }
    relayWorks = works
    machine.gate(available: works)
    if works {
      logger.notice("\(entrance): the turnstile relay works again")
      await outlet.resolve(.deviceFault, entrance: entrance, device: "turnstile relay", at: wall)
    } else {
      logger.warning("\(entrance): the turnstile relay does not respond; nobody is released until it does")
      let fault = DeviceFault(kind: .disconnected, message: "the turnstile relay does not respond")
      await outlet.raise(alerts.auxiliaryFailed("turnstile relay", fault: fault, at: wall))
    }
  }

  /// Once a second: what the secondary station settled for people sent from here. A clinical
  /// reading closes the person's infrared re-check (and releases a hold kept for it); a cleared
  /// person's one-time pass waits for their badge; a confirmed fever raises the doctor's alert.
  /// Read from the store, so a reading recorded by the CLI acts as one from the dashboard does.
  private mutating func refreshSecondary(at time: Double) async {
    guard time - lastSecondaryCheck >= 1 else { return }
    lastSecondaryCheck = time
    let wall = clock.wallTime(ofMonotonic: time)
    let since = wall - pipeline.configuration.recheckWindow - 60
    guard let work = await outlet.secondaryWork(entrance: entrance, now: wall, since: since) else { return }
    var passes: [String: (caseID: Int64, until: Double)] = [:]
    for found in work {
      if !secondarySettled.contains(found.id) {
        secondarySettled.insert(found.id)
        if let recheck = found.recheckID, machine.pipeline.settleRecheckAtSecondary(id: recheck) {
          logger.notice("\(entrance): re-check \(recheck) settled at the secondary station (case \(found.id))")
          if found.status == .cleared, let alertID = holds.cleared(recheck: recheck) {
            await outlet.releaseGate(entrance: entrance, alertID: alertID)
          }
        }
      }
      if found.status == .cleared, let person = found.person, let until = found.passUntil, found.passUsedAt == nil,
        until > wall
      {
        passes[person] = (found.id, until)
      }
      if found.status == .fever, found.feverAlertID == nil, let alert = alerts.clinicalFever(found),
        let alertID = await outlet.raise(alert)
      {
        await outlet.noteFeverAlert(caseID: found.id, alertID: alertID)
      }
    }
    secondaryPasses = passes
    if secondarySettled.count > 4096 { secondarySettled = Set(work.map(\.id)) }
  }

  /// The directory is read again when the store says it changed (an import, a block, a new
  /// visitor pass), at most every five seconds: no restart needed.
  private mutating func refreshDirectory(at time: Double, force: Bool) async {
    guard force || time - lastDirectoryCheck >= 5 else { return }
    lastDirectoryCheck = time
    guard
      let (version, directory) = await outlet.accessDirectory(
        newerThan: directoryVersion, at: clock.wallTime(ofMonotonic: time))
    else { return }
    if directoryVersion != nil {
      logger.notice("\(entrance): staff directory and visitor passes reloaded (version \(version))")
    }
    directoryVersion = version
    self.directory = directory
  }

  /// Performs what the machine asked, the safe side first: denials and the guard's line are
  /// shown at once, before anything waits for the disk; then the screenings and decisions are
  /// registered in one transaction; only then is anyone let through, and alerts are raised
  /// with their register rows.
  private mutating func perform(_ actions: [EntranceAction]) async {
    guard !actions.isEmpty else { return }
    var screenings: [(monotonic: Decision, wall: Decision)] = []
    var passages: [PassageRecord] = []
    var releases: [Int] = []
    // A `screen`-mode hold comes in the batch of the screening it is for: its key, by that
    // screening's time, until the person's alert is stored.
    var screeningOfPass: [Int: Decision] = [:]
    var holdKeys: [Seconds: Int64] = [:]
    for action in actions {
      switch action {
      case .screened(let decision):
        screenings.append((decision, onWallClock(decision)))
      case .recheckExpired(let expiry):
        logger.notice(
          "\(entrance): re-check \(expiry.id) (body \(String(format: "%.1f", expiry.bodyC)) °C) was not done in time")
      case .access(.decided(let decision)):
        var wallDecision = decision
        wallDecision.time = clock.wallTime(ofMonotonic: decision.time)
        wallDecision.screening = decision.screening.map(onWallClock)
        screeningOfPass[decision.pass] = decision.screening
        metrics.accessDecided(decision)
        board.decided(wallDecision, person: personIDs.protect(decision.person))
        if decision.outcome == .denied {
          logger.info("\(entrance): pass \(decision.pass) denied: \(decision.reason.rawValue)")
        }
        let index = decision.screening.flatMap { screening in screenings.firstIndex { $0.monotonic == screening } }
        let earlier = decision.screening.flatMap { screening in
          recentScreeningIDs.last { $0.time == screening.time }?.id
        }
        passages.append(
          PassageRecord(decision: wallDecision, screening: index, screeningID: index == nil ? earlier : nil))
      case .access(.release(let pass)):
        releases.append(pass)
      case .access(.hold(let pass)):
        // `screen` mode: held now, before any record; the hold passes to the person's alert
        // once it is stored, so its acknowledgement or a cleared re-check releases it.
        if let key = await outlet.holdGate(entrance: entrance), let screening = screeningOfPass[pass] {
          holdKeys[screening.time] = key
        }
      case .access(.sendToSecondary(let pass, let recheck)):
        logger.notice("\(entrance): pass \(pass) to secondary screening (re-check \(recheck.id))")
      case .access(.guardLine(let line)):
        board.show(line, at: clock.wallTime(ofMonotonic: line.time))
      }
    }

    // A batch of guard lines alone (an ID accepted, waiting for its reading) writes nothing.
    let registered =
      screenings.isEmpty && passages.isEmpty
      ? RegisteredIDs(screenings: [], passages: [])
      : await outlet.register(
        screenings: screenings.map(\.wall), passages: passages, entrance: entrance, device: device)
    for (index, screening) in screenings.enumerated() {
      if let id = registered?.screenings[index] {
        recentScreeningIDs.append((screening.monotonic.time, id))
        if recentScreeningIDs.count > 16 { recentScreeningIDs.removeFirst() }
      }
    }
    for pass in releases {
      // Nobody enters unrecorded, and a relay that did not move is no grant: the guard decides.
      if registered == nil {
        logger.error("\(entrance): pass \(pass) not released: its record could not be written")
      } else if await outlet.releasePassage(entrance: entrance) {
        continue
      } else {
        await followRelay(at: clock.wallNow())
      }
      board.show(
        GuardLine(pass: pass, time: clock.monotonicNow(), instruction: .deviceFault, reason: .deviceFault),
        at: clock.wallNow())
    }
    for (index, screening) in screenings.enumerated() {
      await screened(
        screening.wall, registerID: registered?.screenings[index] ?? nil, holdKey: holdKeys[screening.monotonic.time])
    }
  }

  private func onWallClock(_ monotonicDecision: Decision) -> Decision {
    var decision = monotonicDecision
    decision.time = clock.wallTime(ofMonotonic: monotonicDecision.time)
    decision.recheck?.openedAt = clock.wallTime(ofMonotonic: monotonicDecision.recheck?.openedAt ?? 0)
    decision.recheck?.deadline = clock.wallTime(ofMonotonic: monotonicDecision.recheck?.deadline ?? 0)
    return decision
  }

  /// A registered screening (wall time): shown, alerted, and its re-check's hold followed.
  private mutating func screened(_ decision: Decision, registerID: Int64?, holdKey: Int64?) async {
    metrics.screened(decision.screeningClass)
    if decision.reason == .clearedAtSecondary, let key = personIDs.protect(decision.person),
      let pass = secondaryPasses.removeValue(forKey: key)
    {
      await outlet.useSecondaryPass(caseID: pass.caseID, at: decision.time)
    }
    board.record(decision, device: device, person: personIDs.protect(decision.person))
    if sensorFaultAlerted, [.normal, .elevated, .fever].contains(decision.screeningClass) {
      sensorFaultAlerted = false
      await outlet.resolve(.deviceFault, entrance: entrance, device: device, at: decision.time)
    }
    if decision.screeningClass == .fault { sensorFaultAlerted = true }
    if let alert = alerts.screening(decision, device: device, registerID: registerID) {
      let alertID = await outlet.raise(alert)
      if let holdKey, let alertID { await outlet.transferGateHold(entrance: entrance, from: holdKey, toAlert: alertID) }
      if decision.screeningClass == .elevated, let recheck = decision.recheck, recheck.role == .opened, let alertID {
        holds.opened(recheck: recheck.id, byAlert: alertID)
      }
    }
    if decision.screeningClass == .normal, let recheck = decision.recheck, recheck.role == .cleared,
      let alertID = holds.cleared(recheck: recheck.id)
    {
      await outlet.releaseGate(entrance: entrance, alertID: alertID)
    }
  }

  private static func level(of pipeline: EntrancePipeline) -> EntranceStatus.Level {
    let level = pipeline.alarmLevel()
    return EntranceStatus.Level(
      thresholdC: level.thresholdC, source: level.source.rawValue, baselineC: level.baselineC)
  }
}
