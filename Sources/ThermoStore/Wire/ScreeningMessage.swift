import ThermoCore

/// One screening on the wire: `thermogate classify`'s decision lines, the register export, and
/// the entrance status's last screening (API and dashboard).
///
/// Every field is written in every form, null when unset, so a file of them has one set of
/// columns; only `event`, `id` and `line` are left out when they do not apply. Three values have
/// two names, classify's and the register's, and both are written so readers of either form
/// keep working: `raw_c`/`raw_object_c`, `body_model`/`body_model_version`,
/// `samples`/`sample_count`; likewise the re-check as classify's `recheck` object and the
/// register's `recheck_id` and `recheck_role`. Decoding takes either name.
public struct ScreeningMessage: Sendable, Equatable, Codable {
  /// The re-check a screening belongs to. The register keeps only its number and role.
  public struct Recheck: Sendable, Equatable, Codable {
    public var id: Int
    public var role: String
    public var openedAt: WireTime?
    public var deadline: WireTime?
    /// A settled re-check: the mean of both body estimates and the confirm level it was held to.
    public var meanBodyC: Double?
    public var confirmC: Double?

    public init(
      id: Int, role: String, openedAt: WireTime? = nil, deadline: WireTime? = nil, meanBodyC: Double? = nil,
      confirmC: Double? = nil
    ) {
      self.id = id
      self.role = role
      self.openedAt = openedAt
      self.deadline = deadline
      self.meanBodyC = WireJSON.rounded(meanBodyC, decimals: 2)
      self.confirmC = WireJSON.rounded(confirmC, decimals: 2)
    }

    enum CodingKeys: String, CodingKey {
      case id, role, deadline
      case openedAt = "opened_at"
      case meanBodyC = "mean_body_c"
      case confirmC = "confirm_c"
    }
  }

  /// The access decision a screening ended in (`classify --directory`, the register export).
  public struct Access: Sendable, Equatable, Codable {
    public var outcome: String
    public var reason: String
    public var holder: String?

    public init(outcome: String, reason: String, holder: String? = nil) {
      self.outcome = outcome
      self.reason = reason
      self.holder = holder
    }
  }

  /// `screening` in classify's output, which also has `recheck_expired` lines.
  public var event: String?
  /// The register's row number.
  public var id: Int64?
  /// The input line the decision came from (classify).
  public var line: Int?
  public var entrance: String
  /// Text in files, seconds in the status (the dashboard computes ages with it).
  public var time: WireTime
  /// As read (classify) or as the register keeps it (`PersonIDPolicy`).
  public var person: String?
  public var device: String?
  public var screeningClass: String
  public var reason: String
  /// Degrees Celsius, rounded to 0.01.
  public var rawObjectC: Double?
  public var skinC: Double?
  public var ambientC: Double?
  public var bodyC: Double?
  public var thresholdC: Double?
  public var thresholdSource: String
  public var baselineC: Double?
  public var guardBandC: Double?
  public var calibrationID: String
  public var bodyModelVersion: String
  public var recheck: Recheck?
  public var sampleCount: Int
  /// Left out when no access decision applies (no directory, a screening nobody was decided on).
  public var access: Access?
  /// The secondary case this screening opened or settled (register export only).
  public var secondary: SecondaryOutcome?

  public init(
    event: String? = nil, id: Int64? = nil, line: Int? = nil, entrance: String, time: WireTime, person: String?,
    device: String?, screeningClass: String, reason: String, rawObjectC: Double?, skinC: Double?, ambientC: Double?,
    bodyC: Double?, thresholdC: Double?, thresholdSource: String, baselineC: Double?, guardBandC: Double?,
    calibrationID: String, bodyModelVersion: String, recheck: Recheck?, sampleCount: Int
  ) {
    self.event = event
    self.id = id
    self.line = line
    self.entrance = entrance
    self.time = time
    self.person = person
    self.device = device
    self.screeningClass = screeningClass
    self.reason = reason
    self.rawObjectC = WireJSON.rounded(rawObjectC, decimals: 2)
    self.skinC = WireJSON.rounded(skinC, decimals: 2)
    self.ambientC = WireJSON.rounded(ambientC, decimals: 2)
    self.bodyC = WireJSON.rounded(bodyC, decimals: 2)
    self.thresholdC = WireJSON.rounded(thresholdC, decimals: 2)
    self.thresholdSource = thresholdSource
    self.baselineC = WireJSON.rounded(baselineC, decimals: 2)
    self.guardBandC = WireJSON.rounded(guardBandC, decimals: 2)
    self.calibrationID = calibrationID
    self.bodyModelVersion = bodyModelVersion
    self.recheck = recheck
    self.sampleCount = sampleCount
  }

  /// A core decision; `person` as the caller may show it (classify: as read; the status: as the
  /// register keeps it).
  public init(decision: Decision, entrance: String, device: String?, person: String?, time: WireTime) {
    self.init(
      entrance: entrance, time: time, person: person, device: device,
      screeningClass: decision.screeningClass.rawValue, reason: decision.reason.rawValue,
      rawObjectC: decision.rawObjectC, skinC: decision.skinC, ambientC: decision.ambientC, bodyC: decision.bodyC,
      thresholdC: decision.thresholdC, thresholdSource: decision.thresholdSource.rawValue,
      baselineC: decision.baselineC, guardBandC: decision.guardBandC, calibrationID: decision.calibrationID,
      bodyModelVersion: decision.bodyModelVersion,
      recheck: decision.recheck.map {
        Recheck(
          id: $0.id, role: $0.role.rawValue, openedAt: .text($0.openedAt), deadline: .text($0.deadline),
          meanBodyC: $0.meanBodyC, confirmC: $0.confirmLevelC)
      }, sampleCount: decision.sampleCount)
  }

  /// A register row: the export's form.
  public init(entry: RegisterEntry) {
    self.init(
      id: entry.id, entrance: entry.entrance, time: .text(entry.time), person: entry.person, device: entry.device,
      screeningClass: entry.screeningClass, reason: entry.reason, rawObjectC: entry.rawObjectC, skinC: entry.skinC,
      ambientC: entry.ambientC, bodyC: entry.bodyC, thresholdC: entry.thresholdC,
      thresholdSource: entry.thresholdSource, baselineC: entry.baselineC, guardBandC: entry.guardBandC,
      calibrationID: entry.calibrationID, bodyModelVersion: entry.bodyModelVersion,
      recheck: entry.recheckID.map { Recheck(id: $0, role: entry.recheckRole ?? "") }, sampleCount: entry.sampleCount)
    if let outcome = entry.accessOutcome, let reason = entry.accessReason {
      access = Access(outcome: outcome, reason: reason, holder: entry.accessHolder)
    }
    secondary = entry.secondary.map {
      var outcome = $0
      outcome.clinicalC = WireJSON.rounded($0.clinicalC, decimals: 2)
      return outcome
    }
  }

  public enum CodingKeys: String, CodingKey, CaseIterable, Sendable {
    case event, id, line, entrance, time, person, device, reason, recheck, access, secondary, disposition
    case secondaryStatus = "secondary_status"
    case clinicalMethod = "clinical_method"
    case clinicalC = "clinical_c"
    case screeningClass = "class"
    case rawObjectC = "raw_object_c"
    case rawC = "raw_c"
    case skinC = "skin_c"
    case ambientC = "ambient_c"
    case bodyC = "body_c"
    case thresholdC = "threshold_c"
    case thresholdSource = "threshold_source"
    case baselineC = "baseline_c"
    case guardBandC = "guard_band_c"
    case calibrationID = "calibration_id"
    case bodyModelVersion = "body_model_version"
    case bodyModel = "body_model"
    case recheckID = "recheck_id"
    case recheckRole = "recheck_role"
    case sampleCount = "sample_count"
    case samples
    case accessOutcome = "access_outcome"
    case accessReason = "access_reason"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    func either<Value: Decodable>(_ type: Value.Type, _ first: CodingKeys, _ second: CodingKeys) throws -> Value {
      if let value = try container.decodeIfPresent(type, forKey: first) { return value }
      return try container.decode(type, forKey: second)
    }
    var recheck = try container.decodeIfPresent(Recheck.self, forKey: .recheck)
    if recheck == nil, let id = try container.decodeIfPresent(Int.self, forKey: .recheckID) {
      recheck = Recheck(id: id, role: try container.decodeIfPresent(String.self, forKey: .recheckRole) ?? "")
    }
    self.init(
      event: try container.decodeIfPresent(String.self, forKey: .event),
      id: try container.decodeIfPresent(Int64.self, forKey: .id),
      line: try container.decodeIfPresent(Int.self, forKey: .line),
      entrance: try container.decode(String.self, forKey: .entrance),
      time: try container.decode(WireTime.self, forKey: .time),
      person: try container.decodeIfPresent(String.self, forKey: .person),
      device: try container.decodeIfPresent(String.self, forKey: .device),
      screeningClass: try container.decode(String.self, forKey: .screeningClass),
      reason: try container.decode(String.self, forKey: .reason),
      rawObjectC: try container.decodeIfPresent(Double.self, forKey: .rawObjectC)
        ?? container.decodeIfPresent(Double.self, forKey: .rawC),
      skinC: try container.decodeIfPresent(Double.self, forKey: .skinC),
      ambientC: try container.decodeIfPresent(Double.self, forKey: .ambientC),
      bodyC: try container.decodeIfPresent(Double.self, forKey: .bodyC),
      thresholdC: try container.decodeIfPresent(Double.self, forKey: .thresholdC),
      thresholdSource: try container.decode(String.self, forKey: .thresholdSource),
      baselineC: try container.decodeIfPresent(Double.self, forKey: .baselineC),
      guardBandC: try container.decodeIfPresent(Double.self, forKey: .guardBandC),
      calibrationID: try container.decode(String.self, forKey: .calibrationID),
      bodyModelVersion: try either(String.self, .bodyModelVersion, .bodyModel),
      recheck: recheck,
      sampleCount: try either(Int.self, .sampleCount, .samples))
    access = try container.decodeIfPresent(Access.self, forKey: .access)
    secondary = try container.decodeIfPresent(SecondaryOutcome.self, forKey: .secondary)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeIfPresent(event, forKey: .event)
    try container.encodeIfPresent(id, forKey: .id)
    try container.encodeIfPresent(line, forKey: .line)
    try container.encode(entrance, forKey: .entrance)
    try container.encode(time, forKey: .time)
    try container.encode(person, forKey: .person)
    try container.encode(device, forKey: .device)
    try container.encode(screeningClass, forKey: .screeningClass)
    try container.encode(reason, forKey: .reason)
    try container.encode(rawObjectC, forKey: .rawObjectC)
    try container.encode(rawObjectC, forKey: .rawC)
    try container.encode(skinC, forKey: .skinC)
    try container.encode(ambientC, forKey: .ambientC)
    try container.encode(bodyC, forKey: .bodyC)
    try container.encode(thresholdC, forKey: .thresholdC)
    try container.encode(thresholdSource, forKey: .thresholdSource)
    try container.encode(baselineC, forKey: .baselineC)
    try container.encode(guardBandC, forKey: .guardBandC)
    try container.encode(calibrationID, forKey: .calibrationID)
    try container.encode(bodyModelVersion, forKey: .bodyModelVersion)
    try container.encode(bodyModelVersion, forKey: .bodyModel)
    try container.encode(recheck, forKey: .recheck)
    try container.encode(recheck?.id, forKey: .recheckID)
    try container.encode(recheck?.role, forKey: .recheckRole)
    try container.encode(sampleCount, forKey: .sampleCount)
    try container.encode(sampleCount, forKey: .samples)
    try container.encodeIfPresent(access, forKey: .access)
    // Flat too, for the export's CSV columns.
    try container.encodeIfPresent(access?.outcome, forKey: .accessOutcome)
    try container.encodeIfPresent(access?.reason, forKey: .accessReason)
    try container.encodeIfPresent(secondary, forKey: .secondary)
    try container.encodeIfPresent(secondary?.status, forKey: .secondaryStatus)
    try container.encodeIfPresent(secondary?.clinicalMethod, forKey: .clinicalMethod)
    try container.encodeIfPresent(secondary?.clinicalC, forKey: .clinicalC)
    try container.encodeIfPresent(secondary?.disposition, forKey: .disposition)
  }
}
