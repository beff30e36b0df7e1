/// The elevated alert that opened each re-check, so a cleared re-check releases that alert's
/// hold on the turnstile and no other. Bounded: a re-check nobody comes back for is forgotten
/// after a thousand newer ones (its hold ends by itself long before).
struct RecheckHolds {
  private var alerts: [Int: Int64] = [:]
  private let capacity: Int

  init(capacity: Int = 1000) {
    self.capacity = capacity
  }

  mutating func opened(recheck: Int, byAlert alertID: Int64) {
    alerts[recheck] = alertID
    if alerts.count > capacity, let oldest = alerts.keys.min() { alerts[oldest] = nil }
  }

  /// The alert whose hold the cleared re-check ends, if it opened one.
  mutating func cleared(recheck: Int) -> Int64? {
    alerts.removeValue(forKey: recheck)
  }
}
