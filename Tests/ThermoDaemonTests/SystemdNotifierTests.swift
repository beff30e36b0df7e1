import Foundation
import Testing
import ThermoDaemon
import ThermoDevices

#if canImport(Glibc)
  import Glibc
#endif

/// sd_notify without libsystemd: the datagram systemd's notify socket receives.
@Suite struct SystemdNotifierTests {
  @Test func readyReachesTheNotifySocket() throws {
    let path = NSTemporaryDirectory() + "notify-\(UUID().uuidString.prefix(8)).sock"
    let receiver = try UnixSocket.open(.datagram)
    defer {
      try? receiver.close()
      unlink(path)
    }
    try receiver.bind(to: UnixSocketAddress(path))

    #expect(SystemdNotifier.notify("READY=1\nSTATUS=screening 6 entrance(s)", environment: ["NOTIFY_SOCKET": path]))
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = try receiver.receive(into: &buffer, nonBlocking: true)
    #expect(String(decoding: buffer.prefix(count), as: UTF8.self) == "READY=1\nSTATUS=screening 6 entrance(s)")

    #expect(!SystemdNotifier.notify("READY=1", environment: [:]), "outside systemd nothing is sent")
  }

  @Test func theWatchdogIntervalIsHalfWhatSystemdAsks() {
    #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"]) == .seconds(15))
    #expect(SystemdNotifier.watchdogInterval(environment: [:]) == nil)
    #expect(
      SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"]) == nil,
      "a watchdog meant for another process")
  }

  /// systemd's own notify socket is abstract on some systems ("@/org/freedesktop/...").
  @Test func anAbstractNotifySocketIsReached() throws {
    let name = "@thermogate-notify-\(UUID().uuidString.prefix(8))"
    let receiver = try UnixSocket.open(.datagram)
    defer { try? receiver.close() }
    try receiver.bind(to: UnixSocketAddress(name))

    #expect(SystemdNotifier.notify("WATCHDOG=1", environment: ["NOTIFY_SOCKET": name]))
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = try receiver.receive(into: &buffer, nonBlocking: true)
    #expect(String(decoding: buffer.prefix(count), as: UTF8.self) == "WATCHDOG=1")
    #expect(
      !SystemdNotifier.notify("WATCHDOG=1", environment: ["NOTIFY_SOCKET": "@" + String(repeating: "x", count: 200)]))
  }
}
