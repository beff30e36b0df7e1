import Metrics
import ThermoDispatch
import ThermoStore

/// Counts every delivery attempt and failure per sink for /metrics.
public struct MeteredSink: AlertSink {
  let sink: any AlertSink
  public var name: String { sink.name }
  public var isLocal: Bool { sink.isLocal }

  public init(sink: any AlertSink) {
    self.sink = sink
  }

  public func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    let outcome = await sink.deliver(job)
    Counter(label: "thermogate_delivery_attempts_total", dimensions: [("sink", name)]).increment()
    if outcome != .delivered {
      Counter(label: "thermogate_delivery_failures_total", dimensions: [("sink", name)]).increment()
    }
    return outcome
  }
}
