import Foundation
import ThermoDevices

/// Connects a `USBRedirDevice` to QEMU's `usb-redir` chardev (a unix socket QEMU listens on) and
/// serves it until QEMU hangs up or `stop` is called. Connecting is plugging the device in;
/// closing the socket (or ending the process) unplugs it.
public final class USBRedirLink: @unchecked Sendable {
  private let lock = NSLock()
  private var device: USBRedirDevice
  private var socket: UnixSocket?
  private var stopped = false

  public init(device: USBRedirDevice) {
    self.device = device
  }

  /// Connects to `path`, waiting up to `timeout` seconds for the socket to appear.
  public func connect(path: String, timeout: Double = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    let address: UnixSocketAddress
    do {
      address = try UnixSocketAddress(path)
    } catch {
      guard case .tooLong = error else { throw USBRedirLinkError.system("connect to \(path)", EINVAL) }
      throw USBRedirLinkError.pathTooLong(path)
    }
    while true {
      let connecting: UnixSocket
      do {
        connecting = try UnixSocket.open(.stream)
      } catch {
        throw USBRedirLinkError.system("socket", error.rawValue)
      }
      do {
        try connecting.connect(to: address)
      } catch {
        try? connecting.close()
        // QEMU not started yet (no socket file) or not yet listening: wait for it.
        guard Date() < deadline, error == .noSuchFileOrDirectory || error == .connectionRefused else {
          throw USBRedirLinkError.system("connect to \(path)", error.rawValue)
        }
        Thread.sleep(forTimeInterval: 0.05)
        continue
      }
      lock.withLock { socket = connecting }
      do {
        try write(device.hello())
      } catch {
        disconnect()
        throw error
      }
      return
    }
  }

  /// Serves until the peer closes the connection or `stop` is called. Throws on a protocol
  /// error (the device is unplugged: the socket is closed).
  public func serve(onEvent: (String) -> Void = { _ in }, afterEachPacket: (USBRedirDevice) -> Void = { _ in }) throws {
    defer { disconnect() }
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      guard let connection = lock.withLock({ socket }) else { return }
      let count: Int
      do {
        count = try connection.receive(into: &buffer)
      } catch {
        if lock.withLock({ stopped }) { return }
        throw USBRedirLinkError.system("recv", error.rawValue)
      }
      if count == 0 || lock.withLock({ stopped }) { return }
      let wasConnected = device.isConnected
      let reply = try device.receive(Array(buffer[0..<count]))
      if !wasConnected && device.isConnected { onEvent("connected to the host; device announced") }
      for line in device.trace { onEvent(line) }
      device.clearTrace()
      if !reply.isEmpty { try write(reply) }
      afterEachPacket(device)
    }
  }

  /// Unplugs the device: shuts the connection down; `serve` closes it (another thread must
  /// not close a descriptor `serve` may be using, or whose number may be reused).
  public func stop() {
    lock.withLock {
      stopped = true
      try? socket?.shutdown()
    }
  }

  private func disconnect() {
    lock.withLock {
      try? socket?.shutdown()
      try? socket?.close()
      socket = nil
    }
  }

  private func write(_ bytes: [UInt8]) throws {
    guard let connection = lock.withLock({ socket }) else { throw USBRedirLinkError.system("send", EBADF) }
    do {
      try connection.sendAll(bytes)
    } catch {
      if lock.withLock({ stopped }) { return }
      throw USBRedirLinkError.system("send", error.rawValue)
    }
  }
}

public enum USBRedirLinkError: Error, CustomStringConvertible {
  case system(String, Int32)
  case pathTooLong(String)

  public var description: String {
    switch self {
    case .system(let what, let code): "usbredir link: \(what) failed: \(String(cString: strerror(code)))"
    case .pathTooLong(let path): "usbredir link: socket path too long: \(path)"
    }
  }
}
