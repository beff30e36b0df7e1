import ThermoCore

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
  /// Decisions written so far, by class.
  public private(set) var classCounts: [ScreeningClass: Int] = [:]
  public private(set) var expiredRechecks = 0
  private var pipelines: [String: EntranceState] = [:]
  private var entranceOrder: [String] = []

  private struct EntranceState: Sendable {
    var pipeline: EntrancePipeline
    var device: String?
    var lastTime: Seconds
  }

  public init(settings: ScreeningSettings = ScreeningSettings(), mode: Mode = .samples) {
    self.settings = settings
    self.mode = mode
  }

  public var openRechecks: Int { pipelines.values.reduce(0) { $0 + $1.pipeline.openRechecks } }

  /// Processes one row and returns the JSON lines it produces, in order.
  public mutating func process(_ row: ReadingRow) -> [String] {
    var state =
      pipelines[row.entrance]
      ?? EntranceState(
        pipeline: EntrancePipeline(configuration: settings.configuration(entrance: row.entrance, device: row.device)),
        device: row.device, lastTime: row.time)
    if pipelines[row.entrance] == nil { entranceOrder.append(row.entrance) }
    var lines: [String] = []
    while let expiry = state.pipeline.nextExpiredRecheck(asOf: row.time) {
      expiredRechecks += 1
      lines.append(Self.json(expiry, entrance: row.entrance))
    }
    state.lastTime = max(state.lastTime, row.time)
    switch mode {
    case .samples:
      if let person = row.person { state.pipeline.announcePerson(person) }
      if state.pipeline.ingest(row.sample) {
        while let decision = state.pipeline.nextDecision() {
          classCounts[decision.screeningClass, default: 0] += 1
          lines.append(Self.json(decision, entrance: row.entrance, device: state.device, line: row.line))
        }
      }
    case .screenings:
      let screening = Screening(
        time: row.time, rawObjectC: row.objectC, ambientC: row.ambientC,
        sensorFault: row.sensorError ? .errorFlag : nil)
      let decision = state.pipeline.classify(screening, person: row.person)
      classCounts[decision.screeningClass, default: 0] += 1
      lines.append(Self.json(decision, entrance: row.entrance, device: row.device ?? state.device, line: row.line))
    }
    pipelines[row.entrance] = state
    return lines
  }

  /// At the end of input: a subject still in view leaves (an unfinished pass becomes a retry).
  public mutating func finish() -> [String] {
    var lines: [String] = []
    for entrance in entranceOrder {
      guard var state = pipelines[entrance] else { continue }
      let end = state.lastTime + state.pipeline.configuration.detector.departureGap + 0.001
      if let decision = state.pipeline.endPassIfStalled(asOf: end) {
        classCounts[decision.screeningClass, default: 0] += 1
        lines.append(Self.json(decision, entrance: entrance, device: state.device, line: nil))
      }
      pipelines[entrance] = state
    }
    return lines
  }

  /// One line for people: how many screenings of each class, re-checks expired and still open.
  public var summary: String {
    let total = classCounts.values.reduce(0, +)
    let byClass = ScreeningClass.allCases.compactMap { screeningClass in
      classCounts[screeningClass].map { "\(screeningClass.rawValue) \($0)" }
    }
    return "\(total) screening(s) at \(entranceOrder.count) entrance(s): \(byClass.joined(separator: ", "))"
      + "; re-checks expired \(expiredRechecks), still open \(openRechecks)"
  }

  public static func json(_ decision: Decision, entrance: String, device: String?, line: Int?) -> String {
    var json = JSONLine()
    json.add("event", "screening")
    json.add("entrance", entrance)
    json.add("time", Timestamp.format(decision.time))
    json.add("person", decision.person)
    json.add("device", device)
    json.add("class", decision.screeningClass.rawValue)
    json.add("reason", decision.reason.rawValue)
    json.add("raw_c", decision.rawObjectC)
    json.add("skin_c", decision.skinC)
    json.add("ambient_c", decision.ambientC)
    json.add("body_c", decision.bodyC)
    json.add("threshold_c", decision.thresholdC)
    json.add("threshold_source", decision.thresholdSource.rawValue)
    json.add("baseline_c", decision.baselineC)
    json.add("guard_band_c", decision.guardBandC)
    json.add("calibration_id", decision.calibrationID)
    json.add("body_model", decision.bodyModelVersion)
    if let recheck = decision.recheck {
      var link = JSONLine()
      link.add("id", recheck.id)
      link.add("role", recheck.role.rawValue)
      link.add("opened_at", Timestamp.format(recheck.openedAt))
      link.add("deadline", Timestamp.format(recheck.deadline))
      json.addRaw("recheck", link.string)
    } else {
      json.addRaw("recheck", "null")
    }
    json.add("samples", decision.sampleCount)
    if let line { json.add("line", line) }
    return json.string
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
