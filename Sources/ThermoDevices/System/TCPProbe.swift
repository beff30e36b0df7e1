import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// Whether something accepts TCP connections at a host and port: a connection is made and
/// closed at once, nothing is sent. For `doctor`'s checks of brokers and webhook hosts.
public enum TCPProbe {
  /// Tries every address `host` resolves to, in getaddrinfo's order, each for at most
  /// `timeout`, until one accepts.
  /// - Throws: `TCPProbeError` naming host and port, with the last address's failure.
  public static func connect(host: String, port: Int, timeout: Duration) throws(TCPProbeError) {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let resolved = getaddrinfo(host, String(port), &hints, &list)
    guard resolved == 0 else {
      let message = gai_strerror(resolved).map { String(cString: $0) } ?? "error \(resolved)"
      throw TCPProbeError(host: host, port: port, reason: .unresolvable(message))
    }
    defer { freeaddrinfo(list) }
    var lastFailure = TCPProbeError.Reason.noAddress
    var candidate = list
    while let info = candidate {
      candidate = info.pointee.ai_next
      guard let failure = attempt(info.pointee, timeout: timeout) else { return }
      lastFailure = failure
    }
    throw TCPProbeError(host: host, port: port, reason: lastFailure)
  }

  /// Connects to one resolved address; nil when it accepted.
  private static func attempt(_ info: addrinfo, timeout: Duration) -> TCPProbeError.Reason? {
    let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    let raw = socket(info.ai_family, info.ai_socktype | flags, info.ai_protocol)
    guard raw >= 0 else { return .failed(Errno(rawValue: errno)) }
    let descriptor = FileDescriptor(rawValue: raw)
    defer { try? descriptor.close() }
    // Non-blocking, so the timeout is ours and not the kernel's SYN retry budget (minutes).
    if Glibc.connect(raw, info.ai_addr, info.ai_addrlen) == 0 { return nil }
    let code = errno
    // EINTR: the connection goes on in the background, as with EINPROGRESS.
    guard code == EINPROGRESS || code == EINTR else { return .failed(Errno(rawValue: code)) }
    do {
      guard case .ready = try Poll.wait(descriptor, for: .writable, timeout: timeout) else {
        return .noAnswer(within: timeout)
      }
    } catch {
      return .failed(error)
    }
    var result: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    guard getsockopt(raw, SOL_SOCKET, SO_ERROR, &result, &length) == 0 else { return .failed(Errno(rawValue: errno)) }
    return result == 0 ? nil : .failed(Errno(rawValue: result))
  }
}
