/// What a detector reports.
public enum DetectorEvent: Sendable, Equatable {
  /// A stable burst formed: one person's screening.
  case screening(Screening)
  /// A subject stood in front of the sensor and left without a stable reading.
  case unstablePass(time: Seconds, sampleCount: Int, person: String?)
  /// The device itself failed (reported once per episode); `screening.sensorFault` says how.
  case sensorFault(Screening)
}

/// Turns one entrance's stream of raw samples into one screening per subject pass.
///
/// States: idle (nobody there) → present (subject in view, burst forming) → screened (waiting for
/// the subject to leave) → idle. A reading that falls back toward ambient ends a screened pass, and
/// so does a pause longer than `screenedPassTimeout`; a shorter pause never screens the same person
/// twice. Samples arriving out of order are dropped and counted; a pause breaks a burst, a long
/// pause ends a forming pass as unstable; flagged, non-finite and stuck samples never enter a burst.
/// A badge announced while nobody is in view belongs to the next pass; while a pass is forming, to
/// that pass; every event of a pass carries its badge.
public struct ScreeningDetector: Sendable {
  public let configuration: DetectorConfiguration

  private enum Phase: Sendable {
    case idle
    case present
    case screened
  }

  private var phase = Phase.idle
  private var run: StableRun
  private var lastTime = -Double.infinity
  private var validSamplesInPass = 0
  private var samplesBelowDepartureMargin = 0
  private var consecutiveErrorSamples = 0
  private var errorEpisodeReported = false
  private var repeatedObjectC = Double.nan
  private var repeatedAmbientC = Double.nan
  private var ambientFrozen = false
  private var repeatCount = 0
  private var repeatStart: Seconds = 0
  private var stuckEpisodeReported = false
  private var nextPassPerson: String?
  private var nextPassPersonTime: Seconds = 0
  private var passPerson: String?
  /// Events produced by the last `ingest` and not yet taken; capacity reserved up front.
  private var pending = PendingQueue<DetectorEvent>(capacity: 4)
  private var hasPendingEvents = false

  /// Samples dropped because their time was earlier than one already seen.
  public private(set) var outOfOrderSamples = 0

  public init(configuration: DetectorConfiguration = DetectorConfiguration()) {
    self.configuration = configuration
    run = StableRun(capacity: configuration.burstCapacity)
  }

  public var isSubjectPresent: Bool { phase != .idle }

  /// The badge bound to the subject in view, if any.
  public var currentPassPerson: String? { phase == .idle ? nil : passPerson }

  /// Whether this sample would start a pass if nobody were in view (valid, far enough above
  /// ambient, plausible as skin).
  public func wouldStartPass(_ sample: Sample) -> Bool {
    !sample.sensorError && sample.objectC.isFinite && sample.ambientC.isFinite && startsPass(sample)
  }

  @inline(__always)
  private func startsPass(_ sample: Sample) -> Bool {
    sample.objectC - sample.ambientC >= configuration.presenceMarginC
      && configuration.plausibleSkinRangeC.contains(sample.objectC)
  }

  /// Binds a badge to a subject: the one forming a reading now, otherwise (or when `toNextPass`)
  /// the next one to step up within `badgeHoldTime` of `time`, so that a badge nobody follows
  /// never lands on a later stranger. A nil person removes the badge it would have set.
  public mutating func announce(person: String?, at time: Seconds, toNextPass: Bool = false) {
    if phase == .present, !toNextPass {
      passPerson = person
    } else {
      nextPassPerson = person
      nextPassPersonTime = time
    }
  }

  /// Ends the current pass because the device went away or changed: a reading still forming
  /// with at least `minimumBurstSamples` valid samples becomes an `unstablePass` (the subject must
  /// retry); a shorter one, or a screened one, simply ends.
  public mutating func interruptPass(at time: Seconds) -> DetectorEvent? {
    guard phase != .idle else { return nil }
    return endPass(at: time)
  }

  /// Feeds one sample. Returns true when it produced events; take them with `nextEvent()`.
  /// A sample can close the previous pass (after a long gap) and produce an event of its own.
  /// Most samples produce nothing, so the hot path hands back a single flag.
  @inline(__always)
  public mutating func ingest(_ sample: Sample) -> Bool {
    let gap = sample.time - lastTime
    guard sample.time.isFinite, gap >= 0 else {
      outOfOrderSamples += 1
      return false
    }
    if gap > configuration.maximumSampleGap { afterGap(until: sample.time) }
    lastTime = sample.time
    process(sample)
    return hasPendingEvents
  }

  /// A pause breaks the burst; a long one ends a forming pass, a very long one a screened pass.
  @inline(never)
  private mutating func afterGap(until time: Seconds) {
    if let ended = endPassIfStalled(asOf: time) { emit(ended) }
    run.removeAll()
  }

  /// The next event produced by `ingest`, oldest first. Callers take every event (until nil)
  /// after an `ingest` that returned true.
  public mutating func nextEvent() -> DetectorEvent? {
    guard let event = pending.next() else {
      hasPendingEvents = false
      return nil
    }
    return event
  }

  // Out of line: events are rare, and the per-sample path should not pay for their size.
  @inline(never)
  private mutating func emit(_ event: DetectorEvent) {
    pending.append(event)
    hasPendingEvents = true
  }

  /// Ends a forming pass when no sample has arrived for longer than `departureGap`: the subject
  /// gets an `unstablePass` (retry) instead of waiting for ever. A subject already screened stays
  /// screened through shorter pauses, so a pause can never screen the same person twice; after
  /// `screenedPassTimeout` the pass is forgotten without an event. The gateway calls this on a timer.
  public mutating func endPassIfStalled(asOf time: Seconds) -> DetectorEvent? {
    let pause = time - lastTime
    switch phase {
    case .present where pause > configuration.departureGap: return endPass(at: time)
    case .screened where pause > configuration.screenedPassTimeout: return endPass(at: time)
    default: return nil
    }
  }

  // Inlined: this runs for every sample, and most samples leave after a few comparisons.
  @inline(__always)
  private mutating func process(_ sample: Sample) {
    guard !sample.sensorError, sample.objectC.isFinite, sample.ambientC.isFinite else {
      repeatCount = 0
      consecutiveErrorSamples += 1
      if consecutiveErrorSamples >= configuration.errorSamplesForFault, !errorEpisodeReported {
        errorEpisodeReported = true
        run.removeAll()
        if phase == .present { phase = .screened }
        emit(faultEvent(.errorFlag, at: sample))
      }
      return
    }
    if consecutiveErrorSamples != 0 {
      consecutiveErrorSamples = 0
      errorEpisodeReported = false
    }

    if trackRepeats(sample) {
      if !stuckEpisodeReported {
        stuckEpisodeReported = true
        run.removeAll()
        if phase == .present { phase = .screened }
        emit(faultEvent(.stuckReading, at: sample))
      }
      return
    }

    let excessC = sample.objectC - sample.ambientC
    switch phase {
    case .idle:
      guard startsPass(sample) else { return }
      phase = .present
      passPerson = sample.time - nextPassPersonTime <= configuration.badgeHoldTime ? nextPassPerson : nil
      nextPassPerson = nil
      validSamplesInPass = 0
      samplesBelowDepartureMargin = 0
      run.removeAll()
      extendBurst(with: sample)
    case .present, .screened:
      if excessC < configuration.departureMarginC {
        samplesBelowDepartureMargin += 1
        run.removeAll()
        if samplesBelowDepartureMargin >= configuration.departureSamples {
          if let ended = endPass(at: sample.time) { emit(ended) }
        }
        return
      }
      samplesBelowDepartureMargin = 0
      guard phase == .present else { return }
      guard configuration.plausibleSkinRangeC.contains(sample.objectC) else {
        run.removeAll()
        return
      }
      extendBurst(with: sample)
    }
  }

  /// Forgets any subject in view, as after the device was unplugged.
  public mutating func reset() {
    phase = .idle
    passPerson = nil
    pending.removeAll()
    hasPendingEvents = false
    run.removeAll()
    lastTime = -Double.infinity
    consecutiveErrorSamples = 0
    errorEpisodeReported = false
    repeatCount = 0
    stuckEpisodeReported = false
  }

  @inline(never)
  private mutating func extendBurst(with sample: Sample) {
    validSamplesInPass += 1
    run.append(
      time: sample.time, value: sample.objectC, window: configuration.burstWindow,
      maximumSpread: configuration.maximumSpreadC)
    guard run.count >= configuration.minimumBurstSamples else { return }
    phase = .screened
    let value: Celsius
    switch configuration.burstValue {
    case .median: value = run.median()
    case .maximum: value = run.maximum
    }
    let screening = Screening(
      time: sample.time, rawObjectC: value, ambientC: sample.ambientC, sampleCount: run.count,
      spreadC: run.spread, person: passPerson)
    run.removeAll()
    emit(.screening(screening))
  }

  private mutating func endPass(at time: Seconds) -> DetectorEvent? {
    let wasForming = phase == .present
    let samples = validSamplesInPass
    let person = passPerson
    phase = .idle
    passPerson = nil
    run.removeAll()
    validSamplesInPass = 0
    samplesBelowDepartureMargin = 0
    guard wasForming, samples >= configuration.minimumBurstSamples else { return nil }
    return .unstablePass(time: time, sampleCount: samples, person: person)
  }

  /// Returns true while the reading has been frozen long enough to call the sensor stuck: with a
  /// subject in view, the object reading alone over `stuckMinimumDuration`; in an empty scene,
  /// which a coarse sensor may read as one value for minutes, object and ambient together over
  /// `stuckIdleDuration` (a sensor that stops converting freezes both).
  @inline(__always)
  private mutating func trackRepeats(_ sample: Sample) -> Bool {
    if sample.objectC == repeatedObjectC, repeatCount > 0 {
      repeatCount += 1
      if ambientFrozen, sample.ambientC != repeatedAmbientC { ambientFrozen = false }
    } else {
      repeatedObjectC = sample.objectC
      repeatedAmbientC = sample.ambientC
      ambientFrozen = true
      repeatCount = 1
      repeatStart = sample.time
      if stuckEpisodeReported { stuckEpisodeReported = false }
    }
    guard repeatCount >= configuration.stuckSampleCount else { return false }
    let frozenFor = sample.time - repeatStart
    return phase == .idle
      ? ambientFrozen && frozenFor >= configuration.stuckIdleDuration
      : frozenFor >= configuration.stuckMinimumDuration
  }

  private func faultEvent(_ fault: SensorFault, at sample: Sample) -> DetectorEvent {
    // Non-finite values stay NaN: the decision then reports them as unknown (null).
    let objectC = sample.objectC.isFinite ? sample.objectC : Double.nan
    let ambientC = sample.ambientC.isFinite ? sample.ambientC : Double.nan
    return .sensorFault(
      Screening(
        time: sample.time, rawObjectC: objectC, ambientC: ambientC, sampleCount: 0,
        sensorFault: fault, person: phase == .idle ? nil : passPerson))
  }
}
