import Logging
import ServiceLifecycle
import Synchronization
import ThermoCore
import ThermoDevices
import ThermoDispatch
import ThermoSimulation

/// One entrance as a service: its device thread (and badge reader) feed its monitor. On graceful
/// shutdown the threads stop first, then the events already read are processed, so no screening
/// in flight is lost.
public struct EntranceService: Service {
  let binding: GatewayConfiguration.Entrance
  let opener: ThermometerOpener
  let settings: DeviceReader.Settings
  let clock: GatewayClock
  let makeMonitor: @Sendable () -> EntranceMonitor
  /// Called with the monitor's pipeline when the service ends, so a reload can carry the
  /// entrance's re-checks and baseline over.
  let onFinish: @Sendable (EntrancePipeline) -> Void
  let badgeDesk: SimulatedBadgeDesk
  let readers: DeviceReaders

  public init(
    binding: GatewayConfiguration.Entrance, opener: ThermometerOpener, settings: DeviceReader.Settings,
    clock: GatewayClock, badgeDesk: SimulatedBadgeDesk, readers: DeviceReaders = DeviceReaders(),
    makeMonitor: @escaping @Sendable () -> EntranceMonitor,
    onFinish: @escaping @Sendable (EntrancePipeline) -> Void
  ) {
    self.badgeDesk = badgeDesk
    self.readers = readers
    self.binding = binding
    self.opener = opener
    self.settings = settings
    self.clock = clock
    self.makeMonitor = makeMonitor
    self.onFinish = onFinish
  }

  public func run() async throws {
    let (events, continuation) = AsyncStream.makeStream(
      of: DeviceEvent.self, bufferingPolicy: .bufferingNewest(6000))
    var opener = opener
    let entrance = binding.name
    if binding.badge == .simulated {
      badgeDesk.register(entrance: entrance, events: continuation)
      let desk = badgeDesk
      opener.onArrival = { visitor, time in desk.present(visitor.workID, at: entrance, time: time) }
    }
    let reader = DeviceReader()
    readers.register(reader)
    defer { readers.unregister(reader) }
    let badgeReader = BadgeReaderThread()
    let address = binding.thermometer
    let deviceOpener = opener
    let reference = binding.ambientReference.map { referenceAddress in
      (
        name: "ambient reference \(referenceAddress)",
        open: { @Sendable () throws(DeviceFault) -> any Thermometer in try deviceOpener.open(referenceAddress) }
      )
    }
    reader.start(
      device: address.description,
      open: { @Sendable () throws(DeviceFault) -> any Thermometer in try deviceOpener.open(address) },
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
    badgeDesk.unregister(entrance: entrance)
    onFinish(monitor.pipeline)
  }
}

/// The demo's badge readers: each simulated visitor's card is typed as a keyboard-style reader
/// types it (input events from the reader model) and read back through the same decoder and
/// assembler as a real reader's node, then handed to the entrance it was read at.
public final class SimulatedBadgeDesk: Sendable {
  private let entrances = Mutex<[String: AsyncStream<DeviceEvent>.Continuation]>([:])

  public init() {}

  func register(entrance: String, events: AsyncStream<DeviceEvent>.Continuation) {
    entrances.withLock { $0[entrance] = events }
  }

  func unregister(entrance: String) {
    _ = entrances.withLock { $0.removeValue(forKey: entrance) }
  }

  /// A visitor shows their card at `entrance`.
  public func present(_ workID: String, at entrance: String, time: Double) {
    guard let id = Self.read(workID, at: time) else { return }
    let events = entrances.withLock { $0[entrance] }
    events?.yield(.badge(id, at: time))
  }

  static func read(_ workID: String, at time: Double) -> String? {
    guard let events = try? BadgeReaderModel().evdevEvents(typing: workID, startingAt: time) else { return nil }
    var decoder = EvdevKeyDecoder()
    var assembler = BadgeAssembler()
    let decoded = EvdevKeyEvent.decodeAll(events.flatMap { $0 }).events
    for event in decoded {
      guard let key = decoder.decode(event) else { continue }
      if case .badge(let id) = assembler.accept(key, at: event.time) { return id }
    }
    return nil
  }
}

/// The device threads of the running entrances, so a udev arrival can cut their backoff short.
public final class DeviceReaders: Sendable {
  private let readers = Mutex<[ObjectIdentifier: DeviceReader]>([:])

  public init() {}

  func register(_ reader: DeviceReader) { readers.withLock { $0[ObjectIdentifier(reader)] = reader } }
  func unregister(_ reader: DeviceReader) { _ = readers.withLock { $0.removeValue(forKey: ObjectIdentifier(reader)) } }

  public func wakeAll() {
    for reader in readers.withLock({ Array($0.values) }) { reader.wake() }
  }
}

/// Hot-plug: every device udev reports arriving wakes the entrances waiting for theirs, so a
/// re-plugged thermometer is bound at once rather than at the end of its backoff (at most 8 s,
/// which remains the fallback where no udev daemon runs).
struct HotplugService: Service {
  let readers: DeviceReaders

  func run() async throws {
    let (watcher, _) = DeviceWatcher.system()
    await withGracefulShutdownHandler {
      for await change in watcher.changes().cancelOnGracefulShutdown() where change.kind == .added {
        readers.wakeAll()
      }
    } onGracefulShutdown: {
    }
  }
}
