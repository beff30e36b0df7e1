import ThermoStore

/// An emergency release as `GET /api/emergency` and `POST /api/emergency` answer it.
struct EmergencyReleaseMessage: Sendable, Equatable, Codable {
  var id: Int64
  /// Left out when the release covers every entrance (`all_entrances`).
  var entrance: String?
  var allEntrances: Bool
  var startedAt: WireTime
  /// The same instant in seconds, for the dashboard's clock.
  var startedAtSeconds: Double
  var startedBy: String
  var reason: String

  init(_ release: EmergencyRelease) {
    id = release.id
    entrance = release.entrance
    allEntrances = release.entrance == nil
    startedAt = .text(release.startedAt)
    startedAtSeconds = release.startedAt
    startedBy = release.startedBy
    reason = release.reason
  }

  enum CodingKeys: String, CodingKey {
    case id, entrance, reason
    case allEntrances = "all_entrances"
    case startedAt = "started_at"
    case startedAtSeconds = "started_at_s"
    case startedBy = "started_by"
  }
}

/// The answer to `POST /api/emergency/clear`: how many releases ended and those still in force
/// (a release of every entrance is not ended by clearing one of them).
struct EmergencyClearMessage: Sendable, Equatable, Codable {
  var cleared: Int
  var active: [EmergencyReleaseMessage]
}
