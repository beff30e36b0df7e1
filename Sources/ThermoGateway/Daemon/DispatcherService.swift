import ServiceLifecycle
import ThermoDispatch

/// The dispatcher as a service. It is the last to stop: on graceful shutdown it keeps
/// delivering whatever is due (the entrances have stopped producing by then) until nothing is
/// due or `drainTimeout` passes; what is left waits in the store for the next start.
struct DispatcherService: Service {
  let dispatcher: Dispatcher
  let sinkNames: [String]
  let drainTimeout: Duration
  let clock: GatewayClock

  func run() async throws {
    let worker = Task { await dispatcher.run() }
    try? await gracefulShutdown()
    let deadline = ContinuousClock.now + drainTimeout
    while ContinuousClock.now < deadline, hasDueDeliveries() {
      try? await Task.sleep(for: .milliseconds(50))
    }
    worker.cancel()
    await worker.value
  }

  private func hasDueDeliveries() -> Bool {
    let now = clock.now()
    return sinkNames.contains { sink in
      guard let due = (try? dispatcher.store.nextDueTime(sink: sink)) ?? nil else { return false }
      return due <= now
    }
  }
}
