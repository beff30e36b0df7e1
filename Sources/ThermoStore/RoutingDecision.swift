/// The routing decision for one alert: its sinks (in delivery order, each once) and its
/// escalation plan.
public struct RoutingDecision: Sendable, Equatable {
  public var sinks: [String]
  public var escalateTo: [String]
  public var escalateAfter: Double?

  public init(sinks: [String], escalateTo: [String] = [], escalateAfter: Double? = nil) {
    self.sinks = sinks
    self.escalateTo = escalateTo
    self.escalateAfter = escalateAfter
  }
}
