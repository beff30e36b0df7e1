import Foundation
import ThermoStore

/// Alerts as e-mail to the duty people, submitted over SMTP. The Message-ID and the
/// `X-Thermogate-Idempotency-Key` header carry the delivery's idempotency key, so the copies a
/// retry makes fold into one in a mail reader.
///
/// 4xx replies, timeouts and lost connections are retried; 5xx replies (a refused login or
/// recipient), a server without STARTTLS and a certificate not trusted fail (and escalate).
/// A recipient refused while others took the message fails the delivery too, so it is seen.
public struct EmailSink: AlertSink {
  public let name: String
  public let isLocal = false
  public let client: SMTPClient
  public let from: String
  public let to: [String]
  private let text: AlertText
  private let now: @Sendable () -> Double

  public init(
    name: String, settings: SMTPSettings, from: String, to: [String], text: AlertText = AlertText(),
    now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
  ) {
    self.name = name
    self.client = SMTPClient(settings: settings)
    self.from = from
    self.to = to
    self.text = text
    self.now = now
  }

  public func message(for job: DeliveryJob) -> MailMessage {
    MailMessage(
      from: from, to: to, subject: text.subject(for: job), body: text.body(for: job),
      idempotencyKey: job.idempotencyKey, date: Date(timeIntervalSince1970: now()))
  }

  public func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    do {
      let refused = try await client.send(message(for: job).rendered, from: from, to: to)
      guard refused.isEmpty else { return .failed("SMTP: sent, but refused for \(refused.joined(separator: ", "))") }
      return .delivered
    } catch {
      switch error {
      case .transient(let reason): return .retry("SMTP: \(reason)")
      case .permanent(let reason): return .failed("SMTP: \(reason)")
      }
    }
  }
}
