import Foundation
import ThermoCore

/// Reads and writes instants the way the CLI's files carry them.
public enum Timestamp {
  /// Accepts seconds (`12.5`, `1732800000`) or ISO 8601 with an offset, with or without
  /// fractional seconds (`2026-11-28T08:00:01.250Z`).
  public static func parse(_ text: String) -> Seconds? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if let seconds = Double(trimmed), seconds.isFinite { return seconds }
    var strategy = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    if let date = try? strategy.parse(trimmed) { return date.timeIntervalSince1970 }
    strategy = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
    if let date = try? strategy.parse(trimmed) { return date.timeIntervalSince1970 }
    return nil
  }

  /// ISO 8601 in UTC with milliseconds, rounded (not truncated) to the nearest millisecond.
  public static func format(_ seconds: Seconds) -> String {
    guard seconds.isFinite, abs(seconds) < 1e14 else { return "invalid" }
    let milliseconds = Int64((seconds * 1000).rounded())
    let (whole, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
    let wholeSeconds = fraction < 0 ? whole - 1 : whole
    let millisecond = fraction < 0 ? fraction + 1000 : fraction
    let text = Date(timeIntervalSince1970: Double(wholeSeconds)).formatted(
      Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    let digits = String(millisecond)
    return text.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
  }
}
