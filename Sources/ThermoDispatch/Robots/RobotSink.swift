import AsyncHTTPClient
import Foundation
import NIOCore
import ThermoStore

/// Alerts as text messages to a chat group through its robot (DingTalk, WeCom, Feishu).
///
/// HTTP 429, 5xx, timeouts and connection errors are retried, as are the vendor's "busy" and
/// rate-limit codes; every other answer that is not the vendor's success code fails (and
/// escalates): a wrong signature, token or message will not get better by waiting. No robot
/// takes an idempotency key, so the dispatcher's at-least-once delivery can post a message
/// twice when an answer is lost.
public struct RobotSink<Robot: ChatRobot>: AlertSink {
  public let name: String
  public let isLocal = false
  public let robot: Robot
  private let timeout: Duration
  private let client: HTTPClient
  private let text: AlertText
  private let now: @Sendable () -> Double

  /// Answers are short JSON; anything longer is not a robot's answer.
  static var answerLimit: Int { 64 * 1024 }

  public init(
    name: String, robot: Robot, timeout: Duration = .seconds(5), client: HTTPClient = WebhookSink.client,
    text: AlertText = AlertText(), now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
  ) {
    self.name = name
    self.robot = robot
    self.timeout = timeout
    self.client = client
    self.text = text
    self.now = now
  }

  public func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    let (url, body) = robot.request(text: text.line(for: job), now: now())
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
    request.body = .bytes(ByteBuffer(bytes: body))
    let (seconds, attoseconds) = timeout.components
    let deadline = TimeAmount.milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    do {
      let response = try await client.execute(request, timeout: deadline)
      let answer = try await response.body.collect(upTo: Self.answerLimit)
      return RobotAnswer(status: response.status.code, body: Array(buffer: answer))
        .outcome(robot.reading, address: robot.address)
    } catch {
      return .retry(robot.address.redacting("POST \(robot.address.host): \(error)"))
    }
  }
}
