import ThermoDaemon
import ThermoStore

/// What the page shows except the charts' points (`GET /api/dashboard` and the stream's
/// `snapshot` events).
struct DashboardSnapshot: Sendable, Equatable, Codable {
  /// The gateway's clock in seconds, when the message leaves (the rest is shared by the open
  /// pages for half a second): ages and re-check countdowns are right even when the demo runs
  /// its clock fast.
  var time: Double
  var site: String
  var speed: Double
  var tokenConfigured: Bool
  var entrances: [EntranceStatus]
  /// Open alerts in all, and whether that count hit the cap; left out when the store could not
  /// be read, and `alertsError` says why.
  var openAlerts: Int?
  var openAlertsCapped: Bool?
  /// The newest 50 alerts and every open one, newest first, in the dashboard's form.
  var alerts: [AlertMessage]
  var alertsError: String?

  enum CodingKeys: String, CodingKey {
    case time, site, speed, entrances, alerts
    case tokenConfigured = "token_configured"
    case openAlerts = "open_alerts"
    case openAlertsCapped = "open_alerts_capped"
    case alertsError = "alerts_error"
  }
}
