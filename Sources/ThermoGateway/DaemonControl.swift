import ServiceLifecycle
import ThermoConfiguration

/// The running group and what the signals asked of it.
actor DaemonControl {
  private var group: ServiceGroup?
  private var pending: GatewayConfiguration?
  private var stopRequested = false

  func started(_ group: ServiceGroup) async {
    self.group = group
    if stopRequested || pending != nil { await group.triggerGracefulShutdown() }
  }

  func stop() async {
    stopRequested = true
    pending = nil
    await group?.triggerGracefulShutdown()
  }

  func reload(with configuration: GatewayConfiguration) async {
    guard !stopRequested else { return }
    pending = configuration
    await group?.triggerGracefulShutdown()
  }

  var isStopping: Bool { stopRequested }

  func takePendingConfiguration() -> GatewayConfiguration? {
    defer { pending = nil }
    return stopRequested ? nil : pending
  }
}
