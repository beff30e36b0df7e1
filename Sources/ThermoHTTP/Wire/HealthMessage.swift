import ThermoDaemon

/// `GET /health`: the gateway is up, and each entrance's state by name.
struct HealthMessage: Sendable, Equatable, Codable {
  var status = "ok"
  var site: String
  var entrances: [String: EntranceState]
}
