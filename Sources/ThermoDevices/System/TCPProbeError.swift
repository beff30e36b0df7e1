import SystemPackage

/// Why nothing accepted a TCP connection at `host`:`port`.
public struct TCPProbeError: Error, Sendable, Hashable, CustomStringConvertible {
  public enum Reason: Sendable, Hashable {
    /// getaddrinfo(3) failed, with its gai_strerror text.
    case unresolvable(String)
    /// The name resolved to no stream address.
    case noAddress
    /// The connection attempt failed: ECONNREFUSED when nothing listens, ENETUNREACH, ….
    case failed(Errno)
    /// No SYN-ACK (nor refusal) within the timeout: a firewall dropping packets, a host down.
    case noAnswer(within: Duration)
  }

  public var host: String
  public var port: Int
  public var reason: Reason

  public init(host: String, port: Int, reason: Reason) {
    self.host = host
    self.port = port
    self.reason = reason
  }

  public var description: String {
    switch reason {
    case .unresolvable(let message): "\(host):\(port): cannot resolve \(host): \(message)"
    case .noAddress: "\(host):\(port): no address"
    case .failed(let errno): "\(host):\(port): \(errno)"
    case .noAnswer(let timeout): "\(host):\(port): no answer within \(timeout)"
    }
  }
}
