import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Connects a `USBRedirDevice` to QEMU's `usb-redir` chardev (a unix socket QEMU listens on) and
/// serves it until QEMU hangs up or `stop` is called. Connecting is plugging the device in;
/// closing the socket (or ending the process) unplugs it.
public final class USBRedirLink: @unchecked Sendable {
  private let lock = NSLock()
  private var device: USBRedirDevice
  private var descriptor: Int32 = -1
  private var stopped = false

  public init(device: USBRedirDevice) {
    self.device = device
  }

  /// Connects to `path`, waiting up to `timeout` seconds for the socket to appear.
  public func connect(path: String, timeout: Double = 10) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let socketDescriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
      guard socketDescriptor >= 0 else { throw USBRedirLinkError.system("socket", errno) }
      var address = sockaddr_un()
      address.sun_family = sa_family_t(AF_UNIX)
      let bytes = Array(path.utf8)
      guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
        close(socketDescriptor)
        throw USBRedirLinkError.pathTooLong(path)
      }
      withUnsafeMutableBytes(of: &address.sun_path) { raw in
        for (index, byte) in bytes.enumerated() { raw[index] = byte }
      }
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          Glibc.connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
      if connected == 0 {
        lock.withLock { descriptor = socketDescriptor }
        do {
          try write(device.hello())
        } catch {
          disconnect()
          throw error
        }
        return
      }
      let failure = errno
      close(socketDescriptor)
      guard Date() < deadline, failure == ENOENT || failure == ECONNREFUSED else {
        throw USBRedirLinkError.system("connect to \(path)", failure)
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }

  /// Serves until the peer closes the connection or `stop` is called. Throws on a protocol
  /// error (the device is unplugged: the socket is closed).
  public func serve(onEvent: (String) -> Void = { _ in }, afterEachPacket: (USBRedirDevice) -> Void = { _ in }) throws {
    defer { disconnect() }
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
      let socketDescriptor = lock.withLock { descriptor }
      guard socketDescriptor >= 0 else { return }
      let count = recv(socketDescriptor, &buffer, buffer.count, 0)
      if count == 0 || lock.withLock({ stopped }) { return }
      if count < 0 {
        if errno == EINTR { continue }
        if lock.withLock({ stopped }) { return }
        throw USBRedirLinkError.system("recv", errno)
      }
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
      if descriptor >= 0 { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }
  }

  private func disconnect() {
    lock.withLock {
      if descriptor >= 0 {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
      }
      descriptor = -1
    }
  }

  private func write(_ bytes: [UInt8]) throws {
    let socketDescriptor = lock.withLock { descriptor }
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        send(socketDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if sent < 0 {
        if errno == EINTR { continue }
        if lock.withLock({ stopped }) { return }
        throw USBRedirLinkError.system("send", errno)
      }
      offset += sent
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
