import ServiceLifecycle
import ThermoDispatch
import ThermoStore

/// The dispatcher as a service. It is the last to stop: on graceful shutdown it keeps
/// delivering whatever is due (the entrances have stopped producing by then) until nothing is
/// due or `drainTimeout` passes; what is left waits in the store for the next start.
public struct DispatcherService: Service {
  let dispatcher: Dispatcher
  let sinkNames: [String]
  let drainTimeout: Duration
  let clock: GatewayClock

  public init(dispatcher: Dispatcher, sinkNames: [String], drainTimeout: Duration, clock: GatewayClock) {
    self.dispatcher = dispatcher
    self.sinkNames = sinkNames
    self.drainTimeout = drainTimeout
    self.clock = clock
  }

  public func run() async throws {
    let worker = Task { await dispatcher.run() }
    try? await gracefulShutdown()
    let deadline = ContinuousClock.now + drainTimeout
    while ContinuousClock.now < deadline, await hasDueDeliveries() {
      try? await Task.sleep(for: .milliseconds(50))
    }
    worker.cancel()
    await worker.value
  }

  private func hasDueDeliveries() async -> Bool {
    let now = clock.wallNow()
    let sinkNames = sinkNames
    let due = try? await dispatcher.store.reading { store throws(StoreError) -> [Double] in
      var times: [Double] = []
      for sink in sinkNames {
        if let time = try store.nextDueTime(sink: sink) { times.append(time) }
      }
      return times
    }
    return (due ?? []).contains { $0 <= now }
  }
}
