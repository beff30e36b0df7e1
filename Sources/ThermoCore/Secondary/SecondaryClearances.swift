/// People a clinical reading at the secondary station cleared: each may pass this entrance once,
/// until the pass runs out, whatever the infrared reads (a warm forehead after a walk in the sun
/// must not send them back to the station). Keyed by the ID as the badge reader gives it.
public struct SecondaryClearances: Sendable, Equatable {
  private var until: [String: Seconds] = [:]

  public init() {}

  public var count: Int { until.count }

  /// Gives `person` one pass that expires at `deadline` (this pipeline's clock).
  public mutating func grant(person: String, until deadline: Seconds) {
    until[person] = max(until[person] ?? -.infinity, deadline)
  }

  public mutating func withdraw(person: String) { until[person] = nil }

  public func holds(person: String, at time: Seconds) -> Bool {
    until[person].map { time <= $0 } ?? false
  }

  /// Uses the person's pass when it is still valid at `time`; a pass that ran out is dropped.
  public mutating func use(person: String?, at time: Seconds) -> Bool {
    guard let person, let deadline = until.removeValue(forKey: person) else { return false }
    return time <= deadline
  }
}
