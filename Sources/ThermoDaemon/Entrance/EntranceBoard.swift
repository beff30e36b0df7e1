import ThermoCore
import ThermoStore

/// An entrance's line on the status board: its state and since when, the device, the alarm
/// level, the open re-checks, the last screening, the chart and today's counts, which start
/// again at local midnight on the wall clock.
struct EntranceBoard {
  let entrance: String
  let status: GatewayStatus
  let mode: AccessMode
  /// Nil until the first publication, so the state gauges are set from the start.
  private(set) var state: EntranceState?
  /// The next local midnight: today's counts start again from there.
  private var dayEnd: Double
  /// Screenings by class since the daemon (or this configuration) started.
  private var counts: [ScreeningClass: Int] = [:]

  init(
    entrance: String, thermometer: String, status: GatewayStatus, level: EntranceStatus.Level,
    calibration: CalibrationRecord?, requiresCalibration: Bool, mode: AccessMode, startedAt wall: Double
  ) {
    self.entrance = entrance
    self.status = status
    self.mode = mode
    let day = status.day(containing: wall)
    dayEnd = day.end
    status.update(entrance) {
      var fresh = EntranceStatus(
        entrance: entrance, state: .noDevice, since: wall, device: thermometer, thresholdC: level.thresholdC,
        thresholdSource: level.source, baselineC: level.baselineC)
      // Today's counts came from the register (a restart, a reload); a new day starts at zero.
      if let restored = $0, restored.todayStartedAt == day.start {
        fresh.today = restored.today
        fresh.todayAccess = restored.todayAccess
      }
      fresh.mode = mode.rawValue
      // Set by the relays at start (a hold the record still calls for), before this board.
      fresh.gateHeld = $0?.gateHeld ?? false
      fresh.todayStartedAt = day.start
      fresh.calibration = calibration.map(EntranceStatus.Calibration.init)
      fresh.calibrationRequired = requiresCalibration
      $0 = fresh
    }
  }

  /// Shows the entrance as it is now; true when its state changed.
  mutating func show(
    _ next: EntranceState, at wall: Double, device: String, level: EntranceStatus.Level, openRechecks: Int,
    rechecks: [EntranceStatus.Recheck]
  ) -> Bool {
    rollDay(at: wall)
    let changed = next != state
    state = next
    status.update(entrance) {
      if changed { $0?.since = wall }
      $0?.state = next
      $0?.device = device
      $0?.thresholdC = level.thresholdC
      $0?.thresholdSource = level.source
      $0?.baselineC = level.baselineC
      $0?.openRechecks = openRechecks
      $0?.rechecks = rechecks
    }
    return changed
  }

  /// A screening (stamped with its wall time): counted, charted, shown as the last one.
  mutating func record(_ decision: Decision, device: String, person: String?) {
    counts[decision.screeningClass, default: 0] += 1
    let counts = Dictionary(uniqueKeysWithValues: self.counts.map { ($0.key.rawValue, $0.value) })
    rollDay(at: decision.time)
    if decision.bodyC != nil {
      status.history.append(
        entrance: entrance, time: decision.time, bodyC: decision.bodyC,
        screeningClass: decision.screeningClass.rawValue, thresholdC: decision.thresholdC,
        baselineC: decision.baselineC)
    }
    // The status carries its times as seconds, the re-check window's too.
    var screening = ScreeningMessage(
      decision: decision, entrance: entrance, device: device, person: person, time: .seconds(decision.time))
    screening.recheck?.openedAt = decision.recheck.map { .seconds($0.openedAt) }
    screening.recheck?.deadline = decision.recheck.map { .seconds($0.deadline) }
    status.update(entrance) {
      $0?.today[decision.screeningClass.rawValue, default: 0] += 1
      $0?.counts = counts
      $0?.lastScreening = screening
    }
  }

  /// An access decision (stamped with its wall time), shown on the tile and counted for today.
  mutating func decided(_ decision: AccessDecision, person: String?) {
    rollDay(at: decision.time)
    status.update(entrance) {
      $0?.lastDecision = EntranceStatus.LastDecision(
        pass: decision.pass, time: decision.time, outcome: decision.outcome.rawValue,
        reason: decision.reason.rawValue, person: person, holder: decision.holder?.rawValue)
      $0?.todayAccess[decision.outcome.rawValue, default: 0] += 1
    }
  }

  /// What the guard is told now (its time on the wall clock).
  func show(_ line: GuardLine, at wall: Double) {
    status.update(entrance) {
      $0?.guardLine = EntranceStatus.GuardLineStatus(
        pass: line.pass, time: wall, instruction: line.instruction.rawValue, reason: line.reason?.rawValue,
        text: GuardLineText.english(line))
    }
  }

  func update(_ change: (inout EntranceStatus?) -> Void) {
    status.update(entrance, change)
  }

  /// At local midnight (on the wall clock) today's counts start from zero.
  private mutating func rollDay(at wall: Double) {
    guard wall >= dayEnd else { return }
    let day = status.day(containing: wall)
    dayEnd = day.end
    status.update(entrance) {
      $0?.today = [:]
      $0?.todayAccess = [:]
      $0?.todayStartedAt = day.start
    }
  }
}

extension EntranceStatus {
  /// The alarm level shown: the threshold, where it comes from, and the baseline behind it.
  struct Level: Equatable {
    var thresholdC: Double
    var source: String
    var baselineC: Double?
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
