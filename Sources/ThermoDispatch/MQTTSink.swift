import ThermoDevices
import ThermoStore

/// Alerts to an MQTT broker at QoS 1 on `thermogate/<site>/<entrance>/alerts`, the same JSON
/// as the webhook (idempotency key included). A delivery counts when the broker's PUBACK
/// arrives; a broker that is away makes the delivery wait and retry, and the duplicate a retry
/// can make carries the same key.
public struct MQTTSink: AlertSink {
  public let name: String
  public let isLocal = false
  public let site: String
  private let client: MQTTClient
  private let acknowledgementTimeout: Duration

  public init(name: String = "mqtt", site: String, client: MQTTClient, acknowledgementTimeout: Duration = .seconds(5)) {
    self.name = name
    self.site = site
    self.client = client
    self.acknowledgementTimeout = acknowledgementTimeout
  }

  public static func alertTopic(site: String, entrance: String) -> String {
    "thermogate/\(site)/\(entrance)/alerts"
  }

  public static func statusTopic(site: String, entrance: String) -> String {
    "thermogate/\(site)/\(entrance)/status"
  }

  /// The gateway's own presence: "online" retained while connected, "offline" by Last Will.
  public static func gatewayTopic(site: String) -> String {
    "thermogate/\(site)/gateway"
  }

  public func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    do {
      try await client.publish(
        topic: Self.alertTopic(site: site, entrance: job.entrance), payload: Array(WebhookSink.body(for: job).utf8),
        qos: 1, timeout: acknowledgementTimeout)
      return .delivered
    } catch {
      return Self.permanentErrors.contains(error.code) ? .failed(error.description) : .retry(error.description)
    }
  }

  /// Errors no retry can cure: a topic with `#` or `+` (an entrance named "gate #2"), a payload
  /// too large, text that is not UTF-8. They fail, and so escalate.
  static let permanentErrors: Set<Int32> = [
    MQTTError.Code.invalidArguments, MQTTError.Code.payloadSize, MQTTError.Code.malformedUTF8,
  ]

  /// An entrance's state (`ready`, `warming`, `no_device`, `fault`, `silenced`), retained so a
  /// guard display that connects later sees it at once.
  public func publishStatus(entrance: String, state: String) async throws(MQTTError) {
    try await client.publish(
      topic: Self.statusTopic(site: site, entrance: entrance), payload: Array(state.utf8), qos: 1, retain: true,
      timeout: acknowledgementTimeout)
  }
}
