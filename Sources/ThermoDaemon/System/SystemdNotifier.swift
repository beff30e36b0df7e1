import Foundation
import ThermoDevices

/// sd_notify(3) without libsystemd: a datagram to $NOTIFY_SOCKET. Under `Type=notify` systemd
/// waits for READY=1, and with `WatchdogSec=` restarts the daemon when WATCHDOG=1 stops coming.
public enum SystemdNotifier {
  /// True when a message was sent (false outside systemd).
  @discardableResult
  public static func notify(_ message: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> Bool
  {
    guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty,
      let address = try? UnixSocketAddress(path)
    else { return false }
    let payload = Array(message.utf8)
    guard let socket = try? UnixSocket.open(.datagram) else { return false }
    defer { try? socket.close() }
    return (try? socket.send(payload, to: address)) == payload.count
  }

  /// Half the watchdog interval systemd asks for, or nil when it asks for none.
  public static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> Duration?
  {
    guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else {
      return nil
    }
    if let pid = environment["WATCHDOG_PID"], Int32(pid) != ProcessInfo.processInfo.processIdentifier { return nil }
    return .microseconds(microseconds / 2)
  }
}
