import Synchronization
import Testing

@testable import ThermoDevices

/// A bus whose contents the test changes.
final class FakeBus: Sendable {
  let present = Mutex<[DiscoveredDevice]>([])
  let failing = Mutex(false)
  let scans = Mutex(0)

  func scan() throws -> [DiscoveredDevice] {
    scans.withLock { $0 += 1 }
    if failing.withLock({ $0 }) { throw UdevError(operation: "scan") }
    return present.withLock { $0 }
  }
}

func bridge(_ serial: String, port: String = "1-1") -> DiscoveredDevice {
  DiscoveredDevice(family: .mcp2221, vendorID: 0x04D8, productID: 0x00DD, serial: serial, portPath: port, devNode: nil)
}

@Suite(.timeLimit(.minutes(1))) struct DeviceWatcherTests {
  @Test func hintsTriggerRescansThatReportArrivalsAndDepartures() async throws {
    let bus = FakeBus()
    bus.present.withLock { $0 = [bridge("A")] }
    let (hints, hint) = AsyncStream.makeStream(of: Void.self)
    // An hour between periodic scans: only hints can explain what is seen here.
    let watcher = DeviceWatcher(interval: .seconds(3600), hints: hints, scan: { try bus.scan() })
    var changes = watcher.changes().makeAsyncIterator()
    #expect(await changes.next() == DeviceChange(kind: .added, device: bridge("A")))
    bus.present.withLock { $0 = [bridge("B", port: "1-2")] }
    hint.yield()
    #expect(await changes.next() == DeviceChange(kind: .removed, device: bridge("A")))
    #expect(await changes.next() == DeviceChange(kind: .added, device: bridge("B", port: "1-2")))
  }

  @Test func withoutHintsThePeriodicRescanStillFindsChanges() async throws {
    let bus = FakeBus()
    let watcher = DeviceWatcher(interval: .milliseconds(20), scan: { try bus.scan() })
    var changes = watcher.changes().makeAsyncIterator()
    bus.present.withLock { $0 = [bridge("C")] }
    #expect(await changes.next() == DeviceChange(kind: .added, device: bridge("C")))
  }

  @Test func aFailingScanIsSkippedAndDoesNotReportEverythingGone() async throws {
    let bus = FakeBus()
    bus.present.withLock { $0 = [bridge("A")] }
    let watcher = DeviceWatcher(interval: .milliseconds(10), scan: { try bus.scan() })
    var changes = watcher.changes().makeAsyncIterator()
    #expect(await changes.next() == DeviceChange(kind: .added, device: bridge("A")))
    bus.failing.withLock { $0 = true }
    let before = bus.scans.withLock { $0 }
    while bus.scans.withLock({ $0 }) < before + 5 { try await Task.sleep(for: .milliseconds(10)) }
    bus.failing.withLock { $0 = false }
    bus.present.withLock { $0 = [bridge("A"), bridge("D", port: "1-3")] }
    // The failed scans reported nothing; the next good one reports only the real change.
    #expect(await changes.next() == DeviceChange(kind: .added, device: bridge("D", port: "1-3")))
  }

  @Test func theUdevMonitorsEventStreamEndsWhenTheMonitorIsReleased() async throws {
    // No udev daemon runs here, so no events will come, but the netlink subscription and the
    // reading thread must start, and stop when the monitor goes.
    var monitor: UdevMonitor? = try UdevMonitor()
    let events = try #require(monitor?.events)
    monitor = nil
    var received = 0
    for await _ in events { received += 1 }
    #expect(received == 0)
  }
}
