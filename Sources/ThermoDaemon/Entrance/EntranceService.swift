import Logging
import ServiceLifecycle
import Synchronization
import ThermoConfiguration
import ThermoCore
import ThermoDevices
import ThermoDispatch

/// One entrance as a service: its device thread (and badge reader) feed its monitor. On graceful
/// shutdown the threads stop first, then the events already read are processed, so no screening
/// in flight is lost.
public struct EntranceService: Service {
  let binding: GatewayConfiguration.Entrance
  let devices: GatewayDevices
  let settings: DeviceReader.Settings
  let clock: GatewayClock
  let makeMonitor: @Sendable () -> EntranceMonitor
  /// Called with the monitor's pipeline when the service ends, so a reload can carry the
  /// entrance's re-checks and baseline over.
  let onFinish: @Sendable (EntrancePipeline) -> Void
  let readers: DeviceReaders

  public init(
    binding: GatewayConfiguration.Entrance, devices: GatewayDevices, settings: DeviceReader.Settings,
    clock: GatewayClock, readers: DeviceReaders = DeviceReaders(),
    makeMonitor: @escaping @Sendable () -> EntranceMonitor,
    onFinish: @escaping @Sendable (EntrancePipeline) -> Void
  ) {
    self.readers = readers
    self.binding = binding
    self.devices = devices
    self.settings = settings
    self.clock = clock
    self.makeMonitor = makeMonitor
    self.onFinish = onFinish
  }

  public func run() async throws {
    let (events, continuation) = AsyncStream.makeStream(
      of: DeviceEvent.self, bufferingPolicy: .bufferingNewest(6000))
    let entrance = binding.name
    let badgeFeed = binding.badge == .simulated ? devices.badgeFeed : nil
    badgeFeed?.listen(at: entrance) { id, time in continuation.yield(.badge(id, at: time)) }
    let opener = devices.thermometers(entrance)
    let reader = DeviceReader()
    readers.register(reader)
    defer { readers.unregister(reader) }
    let badgeReader = BadgeReaderThread()
    let address = binding.thermometer
    let reference = binding.ambientReference.map { referenceAddress in
      (
        name: "ambient reference \(referenceAddress)",
        open: { @Sendable () throws(DeviceFault) -> any Thermometer in try opener.openThermometer(referenceAddress) }
      )
    }
    reader.start(
      device: address.description,
      open: { @Sendable () throws(DeviceFault) -> any Thermometer in try opener.openThermometer(address) },
      ambientReference: reference, settings: settings, clock: clock, events: continuation)
    if case .evdev(let path) = binding.badge { badgeReader.start(path: path, clock: clock, events: continuation) }

    var monitor = makeMonitor()
    await withTaskCancellationHandler {
      await withGracefulShutdownHandler {
        for await event in events { await monitor.handle(event) }
      } onGracefulShutdown: {
        reader.stop()
        badgeReader.stop()
        // A driver call that never returns (a wedged USB transfer) must not hold up shutdown.
        Task {
          try? await Task.sleep(for: .seconds(3))
          continuation.finish()
        }
      }
    } onCancel: {
      reader.stop()
      badgeReader.stop()
    }
    badgeReader.stop()
    badgeFeed?.stopListening(at: entrance)
    onFinish(monitor.pipeline)
  }
}
