import Foundation
import ThermoStore

/// The words people read in a chat robot's message or an e-mail: one short line per alert (the
/// job's summary, which names the kind, entrance and temperature, and the time it was raised),
/// marked when it is a repeat or an escalation. Every English string the channels show is here,
/// so a translation replaces this type only.
public struct AlertText: Sendable {
  public var timeZone: TimeZone

  public init(timeZone: TimeZone = .current) {
    self.timeZone = timeZone
  }

  /// `fever 38.4 °C at "north" · 2026-12-02 09:14:03 CST` (+ ` · reminder 2` for sequence 2).
  public func line(for job: DeliveryJob) -> String {
    var parts = [job.summary, time(job.raisedAt)]
    if let marker = marker(for: job) { parts.append(marker) }
    return parts.joined(separator: " · ")
  }

  /// The e-mail subject: the same line, prefixed so a mail filter can find it.
  public func subject(for job: DeliveryJob) -> String {
    "[thermogate] " + line(for: job)
  }

  /// The e-mail body: the line, then what the alert concerns and where it comes from.
  public func body(for job: DeliveryJob) -> String {
    var lines = [line(for: job), ""]
    lines.append("kind: \(job.kind.rawValue)")
    lines.append("entrance: \(job.entrance)")
    if let device = job.device { lines.append("device: \(device)") }
    lines.append("raised: \(time(job.raisedAt))")
    lines.append("alert: \(job.alertID)")
    lines.append("")
    lines.append("Sent by thermogate; acknowledge the alert on the gateway's dashboard.")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Repeats and escalations count up from 1; the first notice has no marker.
  func marker(for job: DeliveryJob) -> String? {
    job.sequence > 0 ? "reminder \(job.sequence)" : nil
  }

  func time(_ seconds: Double) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = timeZone
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
    return formatter.string(from: Date(timeIntervalSince1970: seconds))
  }
}
