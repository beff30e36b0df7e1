import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Whether something accepts TCP connections: `doctor`'s broker and webhook checks (a
/// connection only; nothing is sent).
public enum Reachability {
  public static func tcp(host: String, port: Int, timeout: Double = 2) -> Result<Void, ReachabilityError> {
    #if canImport(Glibc)
      var hints = addrinfo()
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
      var list: UnsafeMutablePointer<addrinfo>?
      let resolved = getaddrinfo(host, String(port), &hints, &list)
      guard resolved == 0, let first = list else {
        return .failure(
          ReachabilityError(message: "cannot resolve \(host): \(String(cString: gai_strerror(resolved)))"))
      }
      defer { freeaddrinfo(list) }
      var lastError = "no address"
      var candidate: UnsafeMutablePointer<addrinfo>? = first
      while let info = candidate {
        candidate = info.pointee.ai_next
        let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { continue }
        defer { close(descriptor) }
        if connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return .success(()) }
        guard errno == EINPROGRESS else {
          lastError = String(cString: strerror(errno))
          continue
        }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else {
          lastError = "no answer within \(timeout) s"
          continue
        }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
        if code == 0 { return .success(()) }
        lastError = String(cString: strerror(code))
      }
      return .failure(ReachabilityError(message: "\(host):\(port): \(lastError)"))
    #else
      return .failure(ReachabilityError(message: "not supported on this system"))
    #endif
  }
}

public struct ReachabilityError: Error, Sendable, Equatable {
  public var message: String
}
