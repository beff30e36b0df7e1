import ThermoDaemon

/// The chart points after a cursor (`GET /api/history` and the stream's `points` events).
struct HistoryMessage: Sendable, Equatable, Codable {
  /// Replace what the page holds (first message, or a cursor from before a restart).
  var reset: Bool
  /// Seconds of gateway time the charts keep.
  var span: Double
  /// The cursor for the next request.
  var last: Int
  var points: [ScreeningHistory.Point]
}
