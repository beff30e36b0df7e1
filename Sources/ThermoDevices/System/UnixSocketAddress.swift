#if canImport(Glibc)
  import Glibc
#endif

/// Where a Unix-domain socket lives: a filesystem path, or an abstract name (Linux), written
/// with a leading `@` as systemd and ss(8) write it. The only place a `sockaddr_un` is built.
public struct UnixSocketAddress: Sendable, Hashable, CustomStringConvertible {
  /// As given: `@name` for an abstract socket.
  public let path: String
  /// What goes into `sun_path`: for an abstract name a NUL byte, then the name with no
  /// terminator (its length is the address length).
  private let bytes: [UInt8]

  /// Bytes `sun_path` holds on Linux.
  public static let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

  public init(_ path: String) throws(UnixSocketAddressError) {
    var bytes = Array(path.utf8)
    guard let first = bytes.first else { throw .empty }
    let isAbstract = first == UInt8(ascii: "@")
    if isAbstract {
      bytes[0] = 0
      // An abstract name needs no terminator, so it may fill sun_path.
      guard bytes.count <= Self.capacity else { throw .tooLong(path: path, limit: Self.capacity - 1) }
    } else {
      guard !bytes.contains(0) else { throw .containsNUL(path: path) }
      guard bytes.count < Self.capacity else { throw .tooLong(path: path, limit: Self.capacity - 1) }
    }
    self.path = path
    self.bytes = bytes
  }

  public var isAbstract: Bool { bytes.first == 0 }

  public var description: String { path }

  /// Calls `body` with the C address and its length, as bind(2), connect(2) and sendto(2) take
  /// them.
  func withSocketAddress<Result, Failure: Error>(
    _ body: (UnsafePointer<sockaddr>, socklen_t) throws(Failure) -> Result
  ) throws(Failure) -> Result {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
      for (index, byte) in bytes.enumerated() { buffer[index] = byte }
    }
    // A path counts its terminating NUL (sockaddr_un() zeroed it); an abstract name must not,
    // or the NUL becomes part of the name.
    let length = MemoryLayout<sa_family_t>.size + bytes.count + (isAbstract ? 0 : 1)
    return try withUnsafePointer(to: &address) { pointer throws(Failure) in
      try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress throws(Failure) in
        try body(socketAddress, socklen_t(length))
      }
    }
  }
}
