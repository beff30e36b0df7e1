import ThermoConfiguration
import ThermoCore
import ThermoStore

/// Runs `thermogate classify`: one pipeline per entrance, rows in, JSON lines out.
public struct ClassifyRunner: Sendable {
  public enum Mode: String, Sendable, CaseIterable {
    /// Each row is a raw sample; the detector forms screenings.
    case samples
    /// Each row is one finished screening.
    case screenings
  }

  public let settings: ScreeningSettings
  public let mode: Mode
  /// With a directory, every screening also gets the access decision an `access` entrance
  /// would give (the person column is the credential presented with the reading).
  public let directory: AccessDirectory?
  /// Access decisions so far, by outcome and reason (`granted/normal`, `denied/unknown_id`, …).
  public private(set) var accessCounts: [String: Int] = [:]
  /// Decisions written so far, by class.
  public private(set) var classCounts: [ScreeningClass: Int] = [:]
  public private(set) var expiredRechecks = 0
  private var pipelines: [String: EntranceState] = [:]
  private var entranceOrder: [String] = []
  /// The latest time in the input so far: at the end, every re-check expires by it.
  private var latestTime = -Double.infinity

  private struct EntranceState: Sendable {
    /// The entrance machine the daemon runs: the screening core and the access decisions.
    var machine: EntranceMachine
    var pipeline: EntrancePipeline {
      get { machine.pipeline }
      set { machine.pipeline = newValue }
    }
    var device: String?
    var lastTime: Seconds
  }

  public init(
    settings: ScreeningSettings = ScreeningSettings(), mode: Mode = .samples, directory: AccessDirectory? = nil
  ) {
    self.settings = settings
    self.mode = mode
    self.directory = directory
  }

  public var openRechecks: Int { pipelines.values.reduce(0) { $0 + $1.pipeline.openRechecks } }

  /// Processes one row and returns the JSON lines it produces, in order. A row that cannot be
  /// taken (a second device interleaved with the first at one entrance) is refused with an
  /// error naming it, and changes nothing.
  public mutating func process(_ row: ReadingRow) throws(InputError) -> [String] {
    if let device = row.device, let state = pipelines[row.entrance], let current = state.device, device != current,
      row.time - state.lastTime < state.pipeline.configuration.detector.departureGap
    {
      throw InputError(
        source: "", line: row.line, field: "device",
        message:
          "entrance '\(row.entrance)' is read by device '\(current)' until \(Timestamp.format(state.lastTime)); "
          + "a row from '\(device)' follows within \(state.pipeline.configuration.detector.departureGap) s "
          + "(one entrance reads one thermometer at a time)")
    }
    latestTime = max(latestTime, row.time)
    var lines: [String] = []
    // Taken out of the dictionary while it is worked on, so the pipeline's storage stays unique.
    var state: EntranceState
    if let known = pipelines.removeValue(forKey: row.entrance) {
      state = known
    } else {
      entranceOrder.append(row.entrance)
      state = EntranceState(
        machine: EntranceMachine(
          pipeline: EntrancePipeline(configuration: settings.configuration(entrance: row.entrance, device: row.device)),
          access: AccessSettings(mode: .access)),
        device: row.device, lastTime: row.time)
    }
    if let device = row.device, device != state.device {
      let configuration = settings.configuration(entrance: row.entrance, device: device)
      if state.device == nil {
        // The rows so far came from this device without naming it: adopt it, restart nothing.
        state.pipeline.deviceIdentified(calibration: configuration.calibration, warmUp: configuration.warmUp)
      } else {
        // Another device at this entrance: its own calibration and warm-up from now on; a reading
        // the old one was forming becomes a retry.
        state.pipeline.deviceChanged(
          calibration: configuration.calibration, warmUp: configuration.warmUp, at: row.time, timeIsEstimate: true)
        lines += recordDecisions(of: &state, entrance: row.entrance, line: row.line)
      }
      state.device = device
    }
    while let expiry = state.pipeline.nextExpiredRecheck(asOf: row.time) {
      expiredRechecks += 1
      lines.append(Self.json(expiry, entrance: row.entrance))
    }
    state.lastTime = max(state.lastTime, row.time)
    switch mode {
    case .samples:
      // A pause is dealt with before the row's badge, so the badge lands on the right pass.
      if let decision = state.pipeline.endPassIfStalled(asOf: row.time) {
        lines.append(record(decision, of: &state, entrance: row.entrance, line: row.line))
      }
      // The person column names who is at the sensor. A tag on an empty-scene row (the reading
      // back at ambient, even while the previous pass is still ending) announces the next subject;
      // an untagged row that starts no pass, with nobody in view, withdraws it, so a badge never
      // lands on an untagged stranger. In view, a tag other than the pass's own binds to a
      // forming reading or waits for the next subject; the pass's own tag repeated changes nothing.
      let present = state.pipeline.detector.isSubjectPresent
      let passPerson = state.pipeline.detector.currentPassPerson
      let startsPass = state.pipeline.detector.wouldStartPass(row.sample)
      let emptyScene = !(row.objectC - row.ambientC >= state.pipeline.configuration.detector.departureMarginC)
      if let person = row.person {
        if emptyScene {
          state.pipeline.announcePerson(person, at: row.time, toNextPass: true)
        } else if !present || person != passPerson {
          state.pipeline.announcePerson(person, at: row.time)
        }
      } else if !present, !startsPass {
        state.pipeline.announcePerson(nil, at: row.time)
      }
      if state.pipeline.ingest(row.sample) {
        lines += recordDecisions(of: &state, entrance: row.entrance, line: row.line)
      }
    case .screenings:
      let screening = Screening(
        time: row.time, rawObjectC: row.objectC, ambientC: row.ambientC,
        sensorFault: row.sensorError ? .errorFlag : nil)
      let decision = state.pipeline.classify(screening, person: row.person)
      lines.append(record(decision, of: &state, entrance: row.entrance, line: row.line))
    }
    pipelines[row.entrance] = state
    return lines
  }

  /// At the end of input: a forming pass ends as a retry, and every re-check whose window closed
  /// before the input's last instant is reported, earliest deadline first. While rows arrive, an
  /// entrance's re-checks expire by that entrance's own rows, so a file grouped by entrance never
  /// expires one early; windows still open at the end are counted in `summary`.
  public mutating func finish() -> [String] {
    var lines: [String] = []
    for entrance in entranceOrder {
      guard var state = pipelines[entrance] else { continue }
      let end = state.lastTime + state.pipeline.configuration.detector.departureGap + 0.001
      if let decision = state.pipeline.endPassIfStalled(asOf: end) {
        lines.append(record(decision, of: &state, entrance: entrance, line: nil))
      }
      pipelines[entrance] = state
    }
    var expiries: [(expiry: RecheckExpiry, entrance: String)] = []
    for entrance in entranceOrder {
      while let expiry = pipelines[entrance]?.pipeline.nextExpiredRecheck(asOf: latestTime) {
        expiries.append((expiry, entrance))
      }
    }
    expiredRechecks += expiries.count
    return lines
      + expiries.sorted { $0.expiry.deadline < $1.expiry.deadline }.map { Self.json($0.expiry, entrance: $0.entrance) }
  }

  private mutating func recordDecisions(of state: inout EntranceState, entrance: String, line: Int) -> [String] {
    var lines: [String] = []
    while let decision = state.pipeline.nextDecision() {
      lines.append(record(decision, of: &state, entrance: entrance, line: line))
    }
    return lines
  }

  private mutating func record(_ decision: Decision, of state: inout EntranceState, entrance: String, line: Int?)
    -> String
  {
    classCounts[decision.screeningClass, default: 0] += 1
    var access: AccessDecision?
    if let directory {
      // The person column is the credential shown with the reading.
      let credential = decision.person.map { directory.check($0, atWall: decision.time) }
      access = state.machine.decideOffline(decision, credential: credential)
      if let access { accessCounts["\(access.outcome.rawValue)/\(access.reason.rawValue)", default: 0] += 1 }
    }
    return Self.json(decision, entrance: entrance, device: state.device, line: line, access: access)
  }

  /// One line for people: how many screenings of each class, re-checks expired and still open.
  public var summary: String {
    let total = classCounts.values.reduce(0, +)
    let byClass = ScreeningClass.allCases.compactMap { screeningClass in
      classCounts[screeningClass].map { "\(screeningClass.rawValue) \($0)" }
    }
    let classes = byClass.isEmpty ? "" : ": " + byClass.joined(separator: ", ")
    return "\(total) screening(s) at \(entranceOrder.count) entrance(s)\(classes)"
      + "; re-checks expired \(expiredRechecks), still open \(openRechecks)"
      + (directory == nil
        ? ""
        : "; access: " + accessCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
  }

  public static func json(
    _ decision: Decision, entrance: String, device: String?, line: Int?, access: AccessDecision? = nil
  ) -> String {
    var message = ScreeningMessage(
      decision: decision, entrance: entrance, device: device, person: decision.person, time: .text(decision.time))
    message.event = "screening"
    message.line = line
    message.access = access.map {
      ScreeningMessage.Access(outcome: $0.outcome.rawValue, reason: $0.reason.rawValue, holder: $0.holder?.rawValue)
    }
    return WireJSON.string(message)
  }

  public static func json(_ expiry: RecheckExpiry, entrance: String) -> String {
    var json = JSONLine()
    json.add("event", "recheck_expired")
    json.add("entrance", entrance)
    json.add("time", Timestamp.format(expiry.deadline))
    json.add("person", expiry.person)
    json.add("recheck_id", expiry.id)
    json.add("opened_at", Timestamp.format(expiry.openedAt))
    json.add("body_c", expiry.bodyC)
    return json.string
  }
}
