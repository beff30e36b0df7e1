/// The routing decision for one alert: its sinks (in delivery order, each once), its
/// escalation plan, and whether it calls the doctor on call (and, once resolved, whom).
public struct RoutingDecision: Sendable, Equatable {
  public var sinks: [String]
  public var escalateTo: [String]
  public var escalateAfter: Double?
  /// A matching route named the on-call roster among its sinks.
  public var callsOnCall: Bool
  /// The chain the dispatcher resolved from the roster at raise time.
  public var onCall: OnCallChain?

  public init(
    sinks: [String], escalateTo: [String] = [], escalateAfter: Double? = nil, callsOnCall: Bool = false,
    onCall: OnCallChain? = nil
  ) {
    self.sinks = sinks
    self.escalateTo = escalateTo
    self.escalateAfter = escalateAfter
    self.callsOnCall = callsOnCall
    self.onCall = onCall
  }
}
