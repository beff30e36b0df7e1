/// Every API error answer: `{"error": "..."}`.
struct ProblemMessage: Sendable, Equatable, Codable {
  var error: String
}
