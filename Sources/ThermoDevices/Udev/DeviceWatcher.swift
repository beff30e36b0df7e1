/// A supported device arriving or leaving, found by rescanning and diffing.
public struct DeviceChange: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case added, removed
  }

  public var kind: Kind
  public var device: DiscoveredDevice
}

/// Watches for supported devices coming and going: rescans on every udev hint and, as a
/// fallback where no udev daemon sends hints (containers, early boot), every `interval`.
/// Changes come from diffing scans, so coalesced, duplicated or missing events cannot make the
/// inventory wrong.
public struct DeviceWatcher: Sendable {
  public var interval: Duration
  private let scan: @Sendable () throws -> [DiscoveredDevice]
  private let hints: AsyncStream<Void>?

  public init(
    interval: Duration = .seconds(2), hints: AsyncStream<Void>? = nil,
    scan: @escaping @Sendable () throws -> [DiscoveredDevice]
  ) {
    self.interval = interval
    self.hints = hints
    self.scan = scan
  }

  /// The real one: udev hints when a udev daemon runs, periodic rescans always.
  public static func system(interval: Duration = .seconds(2)) -> (DeviceWatcher, UdevMonitor?) {
    let monitor = UdevMonitor.isDaemonRunning ? try? UdevMonitor() : nil
    let hints = monitor.map { monitor in
      AsyncStream<Void> { continuation in
        let forward = Task {
          for await _ in monitor.events { continuation.yield() }
          continuation.finish()
        }
        continuation.onTermination = { _ in forward.cancel() }
      }
    }
    return (DeviceWatcher(interval: interval, hints: hints, scan: { try DeviceDiscovery.scanUSB() }), monitor)
  }

  /// Every change from the first scan on (devices present at the start come as `added`). A
  /// failing scan is skipped; the next tick tries again.
  public func changes() -> AsyncStream<DeviceChange> {
    let (ticks, tick) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    let interval = interval
    let timer = Task {
      while !Task.isCancelled {
        tick.yield()
        try? await Task.sleep(for: interval)
      }
    }
    let hintForwarder = hints.map { hints in
      Task {
        for await _ in hints { tick.yield() }
      }
    }
    let scan = scan
    return AsyncStream { continuation in
      let worker = Task {
        var inventory = DeviceInventory()
        for await _ in ticks {
          guard let found = try? scan() else { continue }
          let (added, removed) = inventory.update(with: found)
          for device in removed { continuation.yield(DeviceChange(kind: .removed, device: device)) }
          for device in added { continuation.yield(DeviceChange(kind: .added, device: device)) }
        }
      }
      continuation.onTermination = { _ in
        worker.cancel()
        timer.cancel()
        hintForwarder?.cancel()
        tick.finish()
      }
    }
  }
}
