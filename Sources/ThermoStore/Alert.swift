/// What an alert is about. The raw values are the names used in configuration, the API, MQTT
/// payloads and the database.
public enum AlertKind: String, Sendable, CaseIterable, Codable {
  /// A fever confirmed on re-check: hold the person, call the doctor.
  case fever
  /// A first reading at or over the line: re-check requested.
  case elevated
  case deviceFault = "device_fault"
  case deviceMissing = "device_missing"
  case calibrationDue = "calibration_due"
  case storageDegraded = "storage_degraded"

  /// Kinds about a person: every one is its own alert. The others are conditions of a device
  /// or the gateway, reported once while they last (grouped by `groupKey`).
  public var concernsAPerson: Bool { self == .fever || self == .elevated }
}

/// An alert as the gateway raises it, before the dispatcher has stored it.
public struct Alert: Sendable, Equatable {
  public var kind: AlertKind
  public var entrance: String
  public var device: String?
  /// Seconds since 1970 (the gateway's clock at the edge; the core reads none).
  public var raisedAt: Double
  /// One line for a person at a guard post: "fever 38.4 °C at north-gate".
  public var summary: String
  /// A JSON object with the decision's numbers, for webhooks and MQTT.
  public var details: String
  /// For person alerts, the screening that raised it; conditions leave it nil.
  public var screeningID: Int64?
  /// No silence covers it: a fever a clinical reading confirmed at the secondary station has
  /// nothing to do with the entrance's thermometer being cleaned or serviced.
  public var ignoresSilences = false

  public init(
    kind: AlertKind, entrance: String, device: String? = nil, raisedAt: Double, summary: String,
    details: String = "{}", screeningID: Int64? = nil
  ) {
    self.kind = kind
    self.entrance = entrance
    self.device = device
    self.raisedAt = raisedAt
    self.summary = summary
    self.details = details
    self.screeningID = screeningID
  }

  /// Alerts with the same key are one condition: a device that keeps failing raises one alert,
  /// not one per sample. Person alerts never share a key.
  public var groupKey: String {
    if kind.concernsAPerson {
      return "\(kind.rawValue)|\(entrance)|screening-\(screeningID.map(String.init) ?? "raised-\(raisedAt)")"
    }
    return "\(kind.rawValue)|\(entrance)|\(device ?? "-")"
  }
}
