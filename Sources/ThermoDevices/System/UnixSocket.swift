import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// A Unix-domain socket: sd_notify's datagrams, QEMU's usb-redir stream. Like swift-system's
/// `FileDescriptor` it is a handle, not a guard: whoever opens one closes it, once.
///
/// Every call retries EINTR and throws the other failures as `Errno`. Descriptors are opened
/// close-on-exec, and stream sends never raise SIGPIPE: a peer that left is `Errno.brokenPipe`.
public struct UnixSocket: Sendable, Hashable {
  /// The socket's type.
  public enum Kind: Sendable, Hashable {
    /// The corresponding C constant is `SOCK_STREAM`.
    case stream
    /// The corresponding C constant is `SOCK_DGRAM`.
    case datagram

    var rawValue: Int32 {
      switch self {
      case .stream: Int32(SOCK_STREAM.rawValue)
      case .datagram: Int32(SOCK_DGRAM.rawValue)
      }
    }
  }

  public let descriptor: FileDescriptor

  public init(adopting descriptor: FileDescriptor) {
    self.descriptor = descriptor
  }

  /// A new, unconnected socket. The corresponding C function is `socket`.
  public static func open(_ kind: Kind) throws(Errno) -> UnixSocket {
    let raw = try retrying { socket(AF_UNIX, kind.rawValue | Int32(SOCK_CLOEXEC.rawValue), 0) }
    return UnixSocket(adopting: FileDescriptor(rawValue: raw))
  }

  /// A stream socket connected to `address`; nothing is left open when the connect fails.
  public static func connect(to address: UnixSocketAddress) throws(Errno) -> UnixSocket {
    let socket = try open(.stream)
    do {
      try socket.connect(to: address)
    } catch {
      try? socket.close()
      throw error
    }
    return socket
  }

  /// The corresponding C function is `connect`.
  public func connect(to address: UnixSocketAddress) throws(Errno) {
    // Not retried on EINTR: a stream connect goes on in the background and a second call
    // would fail with EALREADY. A Unix-domain connect does not block in practice.
    let result = address.withSocketAddress { Glibc.connect(descriptor.rawValue, $0, $1) }
    guard result == 0 else { throw Errno(rawValue: errno) }
  }

  /// The corresponding C function is `bind`.
  public func bind(to address: UnixSocketAddress) throws(Errno) {
    _ = try Self.retrying { address.withSocketAddress { Glibc.bind(descriptor.rawValue, $0, $1) } }
  }

  /// Sends one datagram to `address`.
  /// - Returns: The bytes sent: a datagram goes whole or not at all.
  /// - Note: The corresponding C function is `sendto`.
  @discardableResult
  public func send(_ bytes: [UInt8], to address: UnixSocketAddress) throws(Errno) -> Int {
    try Self.retrying {
      address.withSocketAddress { socketAddress, length in
        bytes.withUnsafeBytes {
          sendto(descriptor.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length)
        }
      }
    }
  }

  /// Sends all of `bytes` on a connected socket, in as many calls as it takes.
  /// - Note: The corresponding C function is `send`.
  public func sendAll(_ bytes: [UInt8]) throws(Errno) {
    var offset = 0
    while offset < bytes.count {
      offset += try Self.retrying {
        bytes[offset...].withUnsafeBytes {
          Glibc.send(descriptor.rawValue, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
      }
    }
  }

  /// Receives into `buffer`, waiting for data unless `nonBlocking`.
  /// - Returns: The bytes received; 0 when a stream's peer has closed its end.
  /// - Throws: `Errno.resourceTemporarilyUnavailable` when `nonBlocking` and nothing is there.
  /// - Note: The corresponding C function is `recv`.
  public func receive(into buffer: UnsafeMutableRawBufferPointer, nonBlocking: Bool = false) throws(Errno) -> Int {
    try Self.retrying {
      recv(descriptor.rawValue, buffer.baseAddress, buffer.count, nonBlocking ? Int32(MSG_DONTWAIT) : 0)
    }
  }

  /// Receives into the start of `buffer`, at most `buffer.count` bytes.
  /// - Returns: The bytes received; 0 when a stream's peer has closed its end.
  public func receive(into buffer: inout [UInt8], nonBlocking: Bool = false) throws(Errno) -> Int {
    // Array's withUnsafeMutableBytes only rethrows untyped errors; carry the Errno out by hand.
    let received = buffer.withUnsafeMutableBytes { bytes in
      Result { () throws(Errno) in try receive(into: bytes, nonBlocking: nonBlocking) }
    }
    return try received.get()
  }

  /// Ends both directions, so a `receive` blocked on another thread returns 0. Unlike `close`,
  /// safe while another thread uses the socket: the descriptor number stays ours.
  /// - Note: The corresponding C function is `shutdown`.
  public func shutdown() throws(Errno) {
    _ = try Self.retrying { Glibc.shutdown(descriptor.rawValue, Int32(SHUT_RDWR)) }
  }

  /// The corresponding C function is `close`.
  public func close() throws(Errno) {
    do {
      try descriptor.close()
    } catch let error as Errno {
      throw error
    } catch {
      throw .ioError
    }
  }

  private static func retrying<Value: BinaryInteger>(_ call: () -> Value) throws(Errno) -> Value {
    while true {
      let result = call()
      if result >= 0 { return result }
      let code = errno
      guard code == EINTR else { throw Errno(rawValue: code) }
    }
  }
}
