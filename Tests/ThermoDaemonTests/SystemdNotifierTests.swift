import Foundation
import Testing
import ThermoDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// sd_notify without libsystemd: the datagram systemd's notify socket receives.
@Suite struct SystemdNotifierTests {
  @Test func readyReachesTheNotifySocket() throws {
    let path = NSTemporaryDirectory() + "notify-\(UUID().uuidString.prefix(8)).sock"
    let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    #expect(receiver >= 0)
    defer {
      close(receiver)
      unlink(path)
    }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(receiver, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    #expect(bound == 0)

    #expect(SystemdNotifier.notify("READY=1\nSTATUS=screening 6 entrance(s)", environment: ["NOTIFY_SOCKET": path]))
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = recv(receiver, &buffer, buffer.count, Int32(MSG_DONTWAIT))
    #expect(count > 0)
    #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "READY=1\nSTATUS=screening 6 entrance(s)")

    #expect(!SystemdNotifier.notify("READY=1", environment: [:]), "outside systemd nothing is sent")
  }

  @Test func theWatchdogIntervalIsHalfWhatSystemdAsks() {
    #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"]) == .seconds(15))
    #expect(SystemdNotifier.watchdogInterval(environment: [:]) == nil)
    #expect(
      SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"]) == nil,
      "a watchdog meant for another process")
  }
}
