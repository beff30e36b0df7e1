import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// sd_notify(3) without libsystemd: a datagram to $NOTIFY_SOCKET. Under `Type=notify` systemd
/// waits for READY=1, and with `WatchdogSec=` restarts the daemon when WATCHDOG=1 stops coming.
public enum SystemdNotifier {
  /// True when a message was sent (false outside systemd).
  @discardableResult
  public static func notify(_ message: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> Bool
  {
    #if canImport(Glibc)
      guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return false }
      let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
      guard descriptor >= 0 else { return false }
      defer { close(descriptor) }
      var address = sockaddr_un()
      address.sun_family = sa_family_t(AF_UNIX)
      var bytes = Array(path.utf8)
      // A leading '@' names an abstract socket: its name starts with a NUL byte.
      if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
      let capacity = MemoryLayout.size(ofValue: address.sun_path)
      guard bytes.count < capacity else { return false }
      withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in bytes.enumerated() { buffer[index] = byte }
      }
      let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
      let payload = Array(message.utf8)
      let sent = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
          sendto(descriptor, payload, payload.count, 0, socketAddress, length)
        }
      }
      return sent == payload.count
    #else
      return false
    #endif
  }

  /// Half the watchdog interval systemd asks for, or nil when it asks for none.
  public static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> Duration?
  {
    guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else {
      return nil
    }
    if let pid = environment["WATCHDOG_PID"], Int32(pid) != getpid() { return nil }
    return .microseconds(microseconds / 2)
  }
}
