/// Where and how the gateway submits mail.
public struct SMTPSettings: Sendable, Equatable {
  public var host: String
  public var port: Int
  /// STARTTLS before anything else; without it the server must be on this machine to get a
  /// password.
  public var startTLS: Bool
  public var username: String?
  public var password: String?
  /// A PEM file of CA certificates trusted besides the system's (a private CA).
  public var caFile: String?
  /// The longest wait for the connection and for each reply.
  public var timeout: Duration
  /// The name given in EHLO.
  public var heloName: String

  public init(
    host: String, port: Int = 587, startTLS: Bool = true, username: String? = nil, password: String? = nil,
    caFile: String? = nil, timeout: Duration = .seconds(30), heloName: String = "thermogate"
  ) {
    self.host = host
    self.port = port
    self.startTLS = startTLS
    self.username = username
    self.password = password
    self.caFile = caFile
    self.timeout = timeout
    self.heloName = heloName
  }
}

/// Why a message was not sent: `transient` (a 4xx reply, a timeout, a lost connection) may work
/// later; `permanent` (a 5xx reply, no TLS where it is required, a certificate not trusted) will
/// not.
public enum SMTPFailure: Error, Equatable, CustomStringConvertible {
  case transient(String)
  case permanent(String)

  public var description: String {
    switch self {
    case .transient(let text), .permanent(let text): text
    }
  }
}
