import Synchronization

/// The last hour of screenings per entrance, for the dashboard's charts: body estimate, class
/// and the threshold in force — never the person. Each point carries a sequence number so a
/// live client asks only for what it has not seen.
public final class ScreeningHistory: Sendable {
  public struct Point: Sendable, Codable, Equatable {
    public var sequence: Int
    public var entrance: String
    public var time: Double
    public var bodyC: Double?
    public var screeningClass: String
    public var thresholdC: Double
    public var baselineC: Double?

    enum CodingKeys: String, CodingKey {
      case sequence = "seq"
      case entrance, time
      case bodyC = "body_c"
      case screeningClass = "class"
      case thresholdC = "threshold_c"
      case baselineC = "baseline_c"
    }
  }

  private struct Book {
    var points: [String: [Point]] = [:]
    var lastSequence = 0
  }

  /// Seconds of gateway time kept, and at most this many points per entrance.
  public let span: Double
  public let capacity: Int
  private let book = Mutex(Book())

  public init(span: Double = 3600, capacity: Int = 4000) {
    self.span = span
    self.capacity = max(1, capacity)
  }

  public func append(
    entrance: String, time: Double, bodyC: Double?, screeningClass: String, thresholdC: Double, baselineC: Double?
  ) {
    book.withLock { book in
      book.lastSequence += 1
      var points = book.points[entrance, default: []]
      points.append(
        Point(
          sequence: book.lastSequence, entrance: entrance, time: time, bodyC: bodyC, screeningClass: screeningClass,
          thresholdC: thresholdC, baselineC: baselineC))
      let newest = points.map(\.time).max() ?? time
      let excess = max(points.count - capacity, points.prefix { $0.time < newest - span }.count)
      if excess > 0 { points.removeFirst(excess) }
      book.points[entrance] = points
    }
  }

  /// The highest sequence number handed out so far.
  public var lastSequence: Int { book.withLock { $0.lastSequence } }

  /// Points with a sequence number above `sequence`, oldest first, and the highest number
  /// handed out so far (the cursor for the next call).
  public func points(after sequence: Int) -> (points: [Point], last: Int) {
    book.withLock { book in
      // Each entrance's points are in sequence order: a binary search finds where the new ones
      // start, so the live pages polling four times a second cost next to nothing when idle.
      let points = book.points.values.flatMap { list -> ArraySlice<Point> in
        var low = 0
        var high = list.count
        while low < high {
          let middle = (low + high) / 2
          if list[middle].sequence <= sequence { low = middle + 1 } else { high = middle }
        }
        return list[low...]
      }
      return (points.sorted { $0.sequence < $1.sequence }, book.lastSequence)
    }
  }
}
