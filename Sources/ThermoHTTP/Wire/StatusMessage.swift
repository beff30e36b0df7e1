import ThermoDaemon
import ThermoStore

/// `GET /api/status`: the site, the gateway's time, the delivery queue and every entrance.
struct StatusMessage: Sendable, Equatable, Codable {
  var site: String
  var time: WireTime
  /// Left out when the store could not be read: the rest is still worth answering.
  var pendingDeliveries: Int?
  var entrances: [EntranceStatus]

  enum CodingKeys: String, CodingKey {
    case site, time, entrances
    case pendingDeliveries = "pending_deliveries"
  }
}
