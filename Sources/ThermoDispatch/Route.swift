import ThermoStore

/// Where alerts go: a route matches kinds, entrances and devices (an empty set matches any) and
/// names sinks. Routes are tried in order; the first match wins unless it says `continue`.
public struct Route: Sendable, Equatable {
  public var kinds: Set<AlertKind>
  public var entrances: Set<String>
  public var devices: Set<String>
  public var sinks: [String]
  /// Keep looking at later routes after this one matched.
  public var continues: Bool
  /// Sinks to try when an alert this route sent stays undelivered or unacknowledged past
  /// `escalateAfter` seconds (a fever nobody acknowledged within two minutes).
  public var escalateTo: [String]
  public var escalateAfter: Double?

  public init(
    kinds: Set<AlertKind> = [], entrances: Set<String> = [], devices: Set<String> = [], sinks: [String],
    continues: Bool = false, escalateTo: [String] = [], escalateAfter: Double? = nil
  ) {
    self.kinds = kinds
    self.entrances = entrances
    self.devices = devices
    self.sinks = sinks
    self.continues = continues
    self.escalateTo = escalateTo
    self.escalateAfter = escalateAfter
  }

  public func matches(_ alert: Alert) -> Bool {
    (kinds.isEmpty || kinds.contains(alert.kind)) && (entrances.isEmpty || entrances.contains(alert.entrance))
      && (devices.isEmpty || alert.device.map(devices.contains) == true)
  }
}

public struct Routing: Sendable, Equatable {
  /// The pseudo-sink a route names to call the doctor on call (`sinks: [gate, log, on_call]`):
  /// at raise time it stands for the on-call doctor's channels, then their backup's, then the
  /// duty office's.
  public static let onCallSink = "on_call"

  public var routes: [Route]
  /// Sinks that never wait on the network (the guard post): they go first.
  public var localSinks: Set<String>

  public init(routes: [Route], localSinks: Set<String> = []) {
    self.routes = routes
    self.localSinks = localSinks
  }

  public func decide(_ alert: Alert) -> RoutingDecision {
    var sinks: [String] = []
    var escalateTo: [String] = []
    var escalateAfter: Double?
    var callsOnCall = false
    for route in routes where route.matches(alert) {
      for sink in route.sinks where !sinks.contains(sink) {
        if sink == Self.onCallSink {
          callsOnCall = true
        } else {
          sinks.append(sink)
        }
      }
      for sink in route.escalateTo where !escalateTo.contains(sink) { escalateTo.append(sink) }
      if let after = route.escalateAfter { escalateAfter = min(escalateAfter ?? after, after) }
      if !route.continues { break }
    }
    // Stable: local sinks first, the rest in the order the routes named them.
    let ordered = sinks.filter(localSinks.contains) + sinks.filter { !localSinks.contains($0) }
    return RoutingDecision(
      sinks: ordered, escalateTo: escalateTo, escalateAfter: escalateAfter, callsOnCall: callsOnCall)
  }
}
