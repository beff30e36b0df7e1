/// The answer to `POST /api/alerts/{id}/ack`.
struct AcknowledgementMessage: Sendable, Equatable, Codable {
  var id: Int64
  var acknowledgedBy: String

  enum CodingKeys: String, CodingKey {
    case id
    case acknowledgedBy = "acknowledged_by"
  }
}
