/// One alert on the wire, in every form it takes: the API's record and `thermogate alerts
/// --json` (`record`), the dashboard's (`dashboard`: the record, with each sink's latest notice
/// only and what the page computes with), and the notice a webhook or MQTT receiver gets
/// (`notice`: one delivery, with its idempotency key and the alert's details).
///
/// A field a form does not carry is nil and left out. `device` is written in every form, null
/// when there is none; a record (one with `deliveries`) writes `acknowledged_by`,
/// `acknowledged_at` and `resolved_at` as null while they are unset, as it always has.
public struct AlertMessage: Sendable, Equatable, Codable {
  /// One delivery row: per (sink, repeat).
  public struct Delivery: Sendable, Equatable, Codable {
    public var sink: String
    public var sequence: Int
    public var status: String
    public var attempts: Int
    public var lastError: String?

    public init(sink: String, sequence: Int, status: String, attempts: Int, lastError: String?) {
      self.sink = sink
      self.sequence = sequence
      self.status = status
      self.attempts = attempts
      self.lastError = lastError
    }

    public init(_ delivery: DeliveryView) {
      self.init(
        sink: delivery.sink, sequence: delivery.sequence, status: delivery.status, attempts: delivery.attempts,
        lastError: delivery.lastError)
    }

    enum CodingKeys: String, CodingKey {
      case sink, sequence, status, attempts
      case lastError = "last_error"
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(sink, forKey: .sink)
      try container.encode(sequence, forKey: .sequence)
      try container.encode(status, forKey: .status)
      try container.encode(attempts, forKey: .attempts)
      try container.encode(lastError, forKey: .lastError)
    }
  }

  /// The alert's number: `id` in a record, `alert_id` in a notice (receivers read those names).
  public var id: Int64?
  public var alertID: Int64?
  /// A notice's: the same for every attempt of one delivery.
  public var idempotencyKey: String?
  /// A notice's: 0 for the first, repeats and escalations count up.
  public var sequence: Int?
  public var kind: AlertKind
  public var entrance: String
  public var device: String?
  /// Text in a record, seconds in a notice.
  public var raisedAt: WireTime
  /// The dashboard's: seconds, for the alert's age.
  public var raisedAtSeconds: Double?
  public var summary: String
  /// A notice's: the decision's numbers or the fault, as the alert was raised.
  public var details: JSONValue?
  public var acknowledgedBy: String?
  public var acknowledgedAt: WireTime?
  public var resolvedAt: WireTime?
  /// The dashboard's: neither acknowledged nor resolved; resolved.
  public var open: Bool?
  public var resolved: Bool?
  public var deliveries: [Delivery]?
  /// A record's: the doctor on call when the alert was raised (the on-call roster's answer).
  public var onCall: String?

  public init(
    id: Int64? = nil, alertID: Int64? = nil, idempotencyKey: String? = nil, sequence: Int? = nil, kind: AlertKind,
    entrance: String, device: String?, raisedAt: WireTime, raisedAtSeconds: Double? = nil, summary: String,
    details: JSONValue? = nil, acknowledgedBy: String? = nil, acknowledgedAt: WireTime? = nil,
    resolvedAt: WireTime? = nil, open: Bool? = nil, resolved: Bool? = nil, deliveries: [Delivery]? = nil
  ) {
    self.id = id
    self.alertID = alertID
    self.idempotencyKey = idempotencyKey
    self.sequence = sequence
    self.kind = kind
    self.entrance = entrance
    self.device = device
    self.raisedAt = raisedAt
    self.raisedAtSeconds = raisedAtSeconds
    self.summary = summary
    self.details = details
    self.acknowledgedBy = acknowledgedBy
    self.acknowledgedAt = acknowledgedAt
    self.resolvedAt = resolvedAt
    self.open = open
    self.resolved = resolved
    self.deliveries = deliveries
  }

  /// The stored alert with every delivery row: the API's and the CLI's form.
  public init(record alert: AlertView) {
    self.init(
      id: alert.id, kind: alert.kind, entrance: alert.entrance, device: alert.device,
      raisedAt: .text(alert.raisedAt), summary: alert.summary, acknowledgedBy: alert.acknowledgedBy,
      acknowledgedAt: alert.acknowledgedAt.map(WireTime.text), resolvedAt: alert.resolvedAt.map(WireTime.text),
      deliveries: alert.deliveries.map(Delivery.init))
    onCall = alert.onCall
  }

  /// The record as the dashboard shows it: per sink only its latest notice (repeats of an
  /// unacknowledged fever pile up), and the raising time in seconds and the open flag, which the
  /// page computes with.
  public init(dashboard alert: AlertView) {
    self.init(record: alert)
    var latest: [String: DeliveryView] = [:]
    for delivery in alert.deliveries where delivery.sequence >= (latest[delivery.sink]?.sequence ?? -1) {
      latest[delivery.sink] = delivery
    }
    deliveries = latest.values.sorted { $0.sink < $1.sink }.map(Delivery.init)
    raisedAtSeconds = WireJSON.rounded(alert.raisedAt, decimals: 3)
    open = alert.isOpen
    resolved = alert.resolvedAt != nil
  }

  /// What a webhook and an MQTT receiver get for one delivery. Details that are not JSON (never
  /// written by the gateway) go as an empty object rather than break the message.
  public init(notice job: DeliveryJob) {
    self.init(
      alertID: job.alertID, idempotencyKey: job.idempotencyKey, sequence: job.sequence, kind: job.kind,
      entrance: job.entrance, device: job.device, raisedAt: .seconds(job.raisedAt), summary: job.summary,
      details: JSONValue(parsing: job.details) ?? .object([:]))
  }

  enum CodingKeys: String, CodingKey {
    case id, sequence, kind, entrance, device, summary, details, open, resolved, deliveries
    case alertID = "alert_id"
    case idempotencyKey = "idempotency_key"
    case raisedAt = "raised_at"
    case raisedAtSeconds = "raised_at_s"
    case acknowledgedBy = "acknowledged_by"
    case acknowledgedAt = "acknowledged_at"
    case resolvedAt = "resolved_at"
    case onCall = "on_call"
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encodeIfPresent(id, forKey: .id)
    try container.encodeIfPresent(alertID, forKey: .alertID)
    try container.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
    try container.encodeIfPresent(sequence, forKey: .sequence)
    try container.encode(kind, forKey: .kind)
    try container.encode(entrance, forKey: .entrance)
    try container.encode(device, forKey: .device)
    try container.encode(raisedAt, forKey: .raisedAt)
    try container.encodeIfPresent(raisedAtSeconds, forKey: .raisedAtSeconds)
    try container.encode(summary, forKey: .summary)
    try container.encodeIfPresent(details, forKey: .details)
    try container.encodeIfPresent(open, forKey: .open)
    try container.encodeIfPresent(resolved, forKey: .resolved)
    if let deliveries {
      try container.encode(acknowledgedBy, forKey: .acknowledgedBy)
      try container.encode(acknowledgedAt, forKey: .acknowledgedAt)
      try container.encode(resolvedAt, forKey: .resolvedAt)
      try container.encode(deliveries, forKey: .deliveries)
      try container.encodeIfPresent(onCall, forKey: .onCall)
    } else {
      try container.encodeIfPresent(acknowledgedBy, forKey: .acknowledgedBy)
      try container.encodeIfPresent(acknowledgedAt, forKey: .acknowledgedAt)
      try container.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
    }
  }
}
