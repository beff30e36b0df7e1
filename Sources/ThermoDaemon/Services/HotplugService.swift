import ServiceLifecycle
import ThermoDevices

/// Hot-plug: every device udev reports arriving wakes the entrances waiting for theirs, so a
/// re-plugged thermometer is bound at once rather than at the end of its backoff (at most 8 s,
/// which remains the fallback where no udev daemon runs).
public struct HotplugService: Service {
  let readers: DeviceReaders

  public init(readers: DeviceReaders) {
    self.readers = readers
  }

  public func run() async throws {
    let (watcher, _) = DeviceWatcher.system()
    await withGracefulShutdownHandler {
      for await change in watcher.changes().cancelOnGracefulShutdown() where change.kind == .added {
        readers.wakeAll()
      }
    } onGracefulShutdown: {
    }
  }
}
