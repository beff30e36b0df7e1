import ThermoDevices

/// Whether something accepts TCP connections: `doctor`'s broker and webhook checks (a
/// connection only; nothing is sent).
public enum Reachability {
  public static func tcp(host: String, port: Int, timeout: Double = 2) -> Result<Void, ReachabilityError> {
    do {
      try TCPProbe.connect(host: host, port: port, timeout: .seconds(timeout))
      return .success(())
    } catch {
      return .failure(ReachabilityError(message: error.description))
    }
  }
}

public struct ReachabilityError: Error, Sendable, Equatable {
  public var message: String
}
