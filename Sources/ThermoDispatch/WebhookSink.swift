import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import ThermoStore

/// Alerts as signed JSON over HTTP POST. The body carries the idempotency key; the
/// `X-Thermogate-Signature` header is `sha256=` + the hex HMAC-SHA256 of the exact body under
/// the shared secret, so the receiver can check both origin and integrity.
///
/// 2xx is delivered; 408, 429 and 5xx, timeouts and connection errors are retried; any other
/// 4xx will not get better by retrying and fails (which escalates).
public struct WebhookSink: AlertSink {
  public let name: String
  public let isLocal = false
  public let url: String
  private let secret: [UInt8]
  private let timeout: Duration
  private let client: HTTPClient

  /// A client that never follows redirects: a 301/302/303 would turn the POST into a GET
  /// without a body, and its 200 would count as delivered. A redirect fails (and escalates).
  public static let client = HTTPClient(
    eventLoopGroupProvider: .singleton,
    configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

  public init(
    name: String, url: String, secret: [UInt8], timeout: Duration = .seconds(5), client: HTTPClient = WebhookSink.client
  ) {
    self.name = name
    self.url = url
    self.secret = secret
    self.timeout = timeout
    self.client = client
  }

  public static let signatureHeader = "X-Thermogate-Signature"
  public static let idempotencyHeader = "Idempotency-Key"

  public static func signature(of body: [UInt8], secret: [UInt8]) -> String {
    "sha256="
      + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)).map { String(format: "%02x", $0) }
      .joined()
  }

  public func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    let body = Array(Self.body(for: job).utf8)
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.headers.add(name: Self.idempotencyHeader, value: job.idempotencyKey)
    request.headers.add(name: Self.signatureHeader, value: Self.signature(of: body, secret: secret))
    request.body = .bytes(ByteBuffer(bytes: body))
    let (seconds, attoseconds) = timeout.components
    let deadline = TimeAmount.milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    do {
      let response = try await client.execute(request, timeout: deadline)
      // The status is the answer; the body is not read, so a receiver that never finishes it
      // cannot hold the worker past the timeout (the connection is closed instead of reused).
      return Self.outcome(status: response.status.code)
    } catch {
      return .retry("POST \(url): \(error)")
    }
  }

  static func outcome(status: UInt) -> DeliveryOutcome {
    switch status {
    case 200..<300: .delivered
    case 408, 429, 500..<600: .retry("HTTP \(status)")
    default: .failed("HTTP \(status)")
    }
  }

  /// The JSON body: the alert's notice (`AlertMessage`), which MQTT carries too.
  static func body(for job: DeliveryJob) -> String {
    WireJSON.string(AlertMessage(notice: job))
  }
}
