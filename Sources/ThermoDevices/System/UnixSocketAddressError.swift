/// Why a string cannot name a Unix-domain socket.
public enum UnixSocketAddressError: Error, Sendable, Hashable, CustomStringConvertible {
  case empty
  /// Longer than `sockaddr_un.sun_path` holds (107 bytes and its NUL for a path, 107 after the
  /// leading NUL for an abstract name).
  case tooLong(path: String, limit: Int)
  /// A NUL byte would end a path early, naming another socket than the one asked for.
  case containsNUL(path: String)

  public var description: String {
    switch self {
    case .empty: "empty socket path"
    case .tooLong(let path, let limit): "socket path longer than \(limit) bytes: \(path)"
    case .containsNUL(let path): "socket path contains a NUL byte: \(path.debugDescription)"
    }
  }
}
