/// One entrance's screening core: detector → calibration → body model → classifier → re-check
/// book and baseline. A value type with no I/O and no clock; every instant comes with the input.
public struct EntrancePipeline: Sendable {
  public private(set) var configuration: EntranceConfiguration
  public private(set) var detector: ScreeningDetector
  public private(set) var baseline = AdaptiveBaseline()
  private var recheckBook: RecheckBook
  /// One-time passes from the secondary station's clinical check.
  public private(set) var secondaryClearances = SecondaryClearances()
  private var deviceConnectedAt: Seconds?
  /// True when the connection time was taken from the data (no `deviceConnected` call): then
  /// the earliest reading seen stands for it, whatever order readings arrive in.
  private var connectionInferred = false
  private var lastSubjectTime: Seconds?
  /// Decisions completed by the last `ingest` and not yet taken; capacity reserved up front.
  private var pending = PendingQueue<Decision>(capacity: 4)

  public init(configuration: EntranceConfiguration = EntranceConfiguration()) {
    self.configuration = configuration
    detector = ScreeningDetector(configuration: configuration.detector)
    recheckBook = RecheckBook(window: configuration.recheckWindow)
  }

  public var openRechecks: Int { recheckBook.openCount }

  /// The re-check windows still open, earliest deadline first.
  public var openRecheckWindows: [OpenRecheck] { recheckBook.openWindows }

  /// The re-checks the record says were open when the gateway stopped (times on this
  /// pipeline's clock), and the last re-check number given out.
  public mutating func restoreRechecks(_ windows: [OpenRecheck], lastID: Int) {
    recheckBook.restore(windows, lastID: lastID)
  }

  /// A person whose re-check was restored under their stored (protected) ID shows their ID:
  /// the re-check is theirs under it from now on.
  public mutating func relinkRecheck(person stored: String, to presented: String) {
    recheckBook.relink(person: stored, to: presented)
  }

  /// A clinical reading at the secondary station settled re-check `id`: it no longer waits for
  /// an infrared re-check (which would confirm a fever the clinical reading ruled out, or confirm
  /// one a second time). False when it was not open.
  @discardableResult
  public mutating func settleRecheckAtSecondary(id: Int) -> Bool {
    recheckBook.close(id: id)
  }

  /// The secondary station cleared `person`: their next screening here until `deadline` that
  /// reads elevated is taken as normal (`cleared_at_secondary`), once.
  public mutating func clearAtSecondary(person: String, until deadline: Seconds) {
    secondaryClearances.grant(person: person, until: deadline)
  }

  /// Starts (or restarts) the device's warm-up, e.g. when it is plugged in. Without a call the
  /// earliest sample's time counts as the connection time.
  public mutating func deviceConnected(at time: Seconds) {
    restartDevice(at: time, timeIsEstimate: false)
  }

  /// The device serving the entrance turns out to be a known one (its name arrived after its
  /// first readings): its calibration and warm-up apply from now, without restarting anything.
  public mutating func deviceIdentified(calibration: DeviceCalibration, warmUp: Seconds) {
    configuration.calibration = calibration
    configuration.warmUp = warmUp
  }

  /// Another device now serves this entrance (or the same one after a fresh calibration): its
  /// calibration and warm-up apply from `time`, and its warm-up starts there. A reading the old
  /// device was forming becomes a retry under the old calibration. Re-checks and the baseline
  /// belong to the entrance and stay. `timeIsEstimate` says the change was inferred from the
  /// data, so an earlier-stamped reading of the new device moves the warm-up start back.
  public mutating func deviceChanged(
    calibration: DeviceCalibration, warmUp: Seconds, at time: Seconds, timeIsEstimate: Bool = false
  ) {
    restartDevice(at: time, timeIsEstimate: timeIsEstimate)
    configuration.calibration = calibration
    configuration.warmUp = warmUp
  }

  private mutating func restartDevice(at time: Seconds, timeIsEstimate: Bool) {
    interruptPass(at: time)
    deviceConnectedAt = time
    connectionInferred = timeIsEstimate
    detector.reset()
  }

  /// A subject caught mid-reading by a device change is told to retry rather than forgotten.
  private mutating func interruptPass(at time: Seconds) {
    if let interrupted = detector.interruptPass(at: time) { pending.append(decide(interrupted)) }
  }

  /// The person ID from the badge reader at `time`: it belongs to the subject forming a reading
  /// now (unless `toNextPass`), or else to the next one to step up within
  /// `DetectorConfiguration.badgeHoldTime`. Announcing nil removes the badge it would have set.
  public mutating func announcePerson(_ person: String?, at time: Seconds, toNextPass: Bool = false) {
    detector.announce(person: person, at: time, toNextPass: toNextPass)
  }

  /// True while the device's warm-up runs. Readings stamped before the connection (out of order)
  /// are not held back by it.
  public func isWarmingUp(at time: Seconds) -> Bool {
    guard configuration.warmUp > 0 else { return false }
    guard let connected = deviceConnectedAt else { return true }
    return time >= connected && time - connected < configuration.warmUp
  }

  /// The alarm level in force now, and where it came from.
  public func alarmLevel() -> (thresholdC: Celsius, source: ThresholdSource, baselineC: Celsius?) {
    guard case .adaptive(let offsetC, _) = configuration.threshold.mode, let baselineC = baseline.baselineC else {
      return (configuration.threshold.fixedThresholdC, .fixed, nil)
    }
    return (baselineC + offsetC, .baseline, baselineC)
  }

  /// Feeds one raw sample. Returns true when it completed decisions; take them with
  /// `nextDecision()`. Most samples complete nothing, so the hot path returns a single flag
  /// rather than carrying decision values back and forth.
  public mutating func ingest(_ sample: Sample) -> Bool {
    noteReading(at: sample.time)
    guard detector.ingest(sample) else { return false }
    decideDetectorEvents()
    return true
  }

  // Kept out of line so that the per-sample path stays a few comparisons with a small frame.
  @inline(never)
  private mutating func decideDetectorEvents() {
    while let event = detector.nextEvent() { pending.append(decide(event)) }
  }

  /// The next decision completed by `ingest`, oldest first.
  public mutating func nextDecision() -> Decision? {
    pending.next()
  }

  /// Ends a pass whose samples stopped arriving (call on a timer when the stream may stall).
  public mutating func endPassIfStalled(asOf time: Seconds) -> Decision? {
    detector.endPassIfStalled(asOf: time).map { decide($0) }
  }

  /// Classifies a screening formed elsewhere (one row of a screenings file).
  public mutating func classify(_ screening: Screening, person: String?) -> Decision {
    noteReading(at: screening.time)
    return judge(screening, person: person)
  }

  /// Without an explicit connection time, the earliest reading stands for it.
  @inline(__always)
  private mutating func noteReading(at time: Seconds) {
    if let connected = deviceConnectedAt, !connectionInferred || time >= connected { return }
    guard time.isFinite else { return }
    deviceConnectedAt = time
    connectionInferred = true
  }

  /// One re-check whose window has closed by `time`; call until nil.
  public mutating func nextExpiredRecheck(asOf time: Seconds) -> RecheckExpiry? {
    recheckBook.nextExpired(asOf: time)
  }

  private mutating func decide(_ event: DetectorEvent) -> Decision {
    switch event {
    case .screening(let screening), .sensorFault(let screening):
      return judge(screening, person: screening.person)
    case .unstablePass(let time, let sampleCount, let person):
      var decision = makeDecision(
        time: time, .retry, .unstableReading, person: person, raw: nil, ambient: nil)
      decision.sampleCount = sampleCount
      return decision
    }
  }

  private mutating func judge(_ screening: Screening, person: String?) -> Decision {
    let raw = screening.rawObjectC
    let ambient = screening.ambientC
    let time = screening.time
    func decision(_ screeningClass: ScreeningClass, _ reason: DecisionReason) -> Decision {
      var decision = makeDecision(
        time: time, screeningClass, reason, person: person, raw: raw, ambient: ambient)
      decision.sampleCount = screening.sampleCount
      return decision
    }
    if let fault = screening.sensorFault {
      return decision(.fault, fault == .errorFlag ? .sensorErrorFlag : .stuckReading)
    }
    guard raw.isFinite, ambient.isFinite else { return decision(.fault, .sensorErrorFlag) }
    let limits = configuration.plausibility
    if raw - ambient < configuration.detector.presenceMarginC {
      return decision(.noSubject, .belowPresenceMargin)
    }
    if case .adaptive(_, let idleReset) = configuration.threshold.mode, let last = lastSubjectTime,
      time - last > idleReset
    {
      baseline.reset()
    }
    lastSubjectTime = max(lastSubjectTime ?? time, time)
    if isWarmingUp(at: time) { return decision(.retry, .warmingUp) }
    if !limits.rawRangeC.contains(raw) { return decision(.fault, .rawOutOfRange) }
    if !limits.ambientRangeC.contains(ambient) { return decision(.retry, .ambientOutOfRange) }
    if configuration.calibration.corrected(raw) < limits.minimumSkinC {
      return decision(.retry, .skinTooCold)
    }

    var result = decision(.normal, .belowThreshold)
    let bodyC = result.bodyC ?? .nan
    if bodyC >= result.thresholdC {
      result.screeningClass = .elevated
      result.reason = .atOrAboveThreshold
    } else if bodyC >= result.thresholdC - configuration.threshold.guardBandC {
      result.screeningClass = .elevated
      result.reason = .withinGuardBand
    }

    if result.screeningClass == .elevated, secondaryClearances.use(person: person, at: time) {
      // The clinical reading outranks the infrared: no new re-check, and the baseline is not fed.
      result.screeningClass = .normal
      result.reason = .clearedAtSecondary
      return result
    }
    if let open = recheckBook.resolve(person: person, at: time) {
      // The re-check must be elevated itself (a normal one clears, so a first reading raised by
      // sun or exertion is not confirmed by the mean) and the mean of both readings must reach a
      // level above the alarm level (one reading's scatter cannot confirm). Elevated with the mean
      // below clears too: it neither confirms nor opens another round at the gate.
      let meanBodyC = (open.bodyC + bodyC) / 2
      let confirmLevelC = configuration.threshold.confirmLevelC(alarmLevelC: result.thresholdC)
      let confirmed = result.screeningClass == .elevated && meanBodyC >= confirmLevelC
      result.screeningClass = confirmed ? .fever : .normal
      result.reason = confirmed ? .confirmedByRecheck : .recheckCleared
      result.recheck = RecheckLink(
        id: open.id, role: confirmed ? .confirmed : .cleared, openedAt: open.openedAt, deadline: open.deadline,
        meanBodyC: meanBodyC, confirmLevelC: confirmLevelC)
    } else if result.screeningClass == .elevated {
      result.recheck = recheckBook.open(person: person, at: time, bodyC: bodyC)
    } else {
      // Only plain normals feed the baseline: a cleared re-check was elevated a moment ago.
      baseline.record(bodyC)
    }
    return result
  }

  private func makeDecision(
    time: Seconds, _ screeningClass: ScreeningClass, _ reason: DecisionReason, person: String?,
    raw: Celsius?, ambient: Celsius?
  ) -> Decision {
    let level = alarmLevel()
    let finiteRaw = raw.flatMap { $0.isFinite ? $0 : nil }
    let finiteAmbient = ambient.flatMap { $0.isFinite ? $0 : nil }
    let skin = finiteRaw.map { configuration.calibration.corrected($0) }
    var body: Celsius?
    // A body estimate from a faulty reading or from an empty scene would only mislead.
    if screeningClass != .fault, screeningClass != .noSubject, let skin, let finiteAmbient {
      body = configuration.bodyModel.bodyEstimate(skinC: skin, ambientC: finiteAmbient)
    }
    return Decision(
      time: time, screeningClass: screeningClass, reason: reason, person: person,
      rawObjectC: finiteRaw, skinC: skin, ambientC: finiteAmbient, bodyC: body,
      thresholdC: level.thresholdC, thresholdSource: level.source, baselineC: level.baselineC,
      guardBandC: configuration.threshold.guardBandC,
      calibrationID: configuration.calibration.id,
      bodyModelVersion: configuration.bodyModel.version, recheck: nil, sampleCount: 0)
  }
}
