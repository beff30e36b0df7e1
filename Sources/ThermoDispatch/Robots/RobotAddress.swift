import Foundation

/// A chat robot's webhook address. The address is a credential (the token or key sits in its
/// path or query), so it is shown nowhere: messages name its host only.
public struct RobotAddress: Sendable, Equatable {
  public let url: String
  public let host: String

  public enum Problem: Error, Equatable, CustomStringConvertible {
    case notAnAddress
    case plainHTTP(host: String)

    public var description: String {
      switch self {
      case .notAnAddress: "is not an https:// address"
      case .plainHTTP(let host):
        "must be https:// (plain http:// only to a loopback address such as 127.0.0.1), not http:// to \(host)"
      }
    }
  }

  public init(parsing url: String) throws(Problem) {
    guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
      let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http"
    else { throw .notAnAddress }
    if scheme == "http", !NetworkHost.isLoopback(host) { throw .plainHTTP(host: host) }
    self.url = url
    self.host = host
  }

  /// `text` with every trace of the address's secret parts replaced: an error from the HTTP
  /// client or an answer echoing the request must not carry the token into a log.
  func redacting(_ text: String) -> String {
    var result = text.replacingOccurrences(of: url, with: host)
    guard let components = URLComponents(string: url) else { return result }
    let secretParts =
      [components.percentEncodedQuery, components.percentEncodedPath]
      + (components.queryItems ?? []).map(\.value) + components.path.split(separator: "/").map(String.init)
    for part in secretParts.compactMap({ $0 }) where part.count >= 8 {
      result = result.replacingOccurrences(of: part, with: "…")
    }
    return result
  }
}
