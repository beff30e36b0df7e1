import Foundation
import Hummingbird

/// A request's JSON object body, read field by field: a missing or mistyped field is answered
/// with a 400 that names it and says what it must hold.
struct RequestFields {
  /// Why the body or one of its fields is refused, in words for the caller.
  struct Problem: Error {
    var message: String
  }

  private let fields: [String: Any]

  /// Reads the body (up to 16 KiB); `example` is the shape the caller should send.
  init(_ request: Request, example: String) async throws(Problem) {
    var request = request
    let body = (try? await request.collectBody(upTo: 16 * 1024)).map { String(buffer: $0) } ?? ""
    guard let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] else {
      throw Problem(message: "the body must be a JSON object: \(example)")
    }
    fields = object
  }

  /// A string that must be there and not blank, trimmed.
  func text(_ name: String, meaning: String) throws(Problem) -> String {
    guard let value = try optionalText(name, meaning: meaning) else {
      throw Problem(message: "'\(name)' is required: \(meaning)")
    }
    return value
  }

  /// A string that may be left out (or null); blank counts as left out.
  func optionalText(_ name: String, meaning: String) throws(Problem) -> String? {
    guard let raw = fields[name], !(raw is NSNull) else { return nil }
    guard let value = raw as? String else { throw Problem(message: "'\(name)' must be a string: \(meaning)") }
    let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
    return trimmed.isEmpty ? nil : trimmed
  }

  /// A number that must be there.
  func number(_ name: String, meaning: String) throws(Problem) -> Double {
    guard let value = fields[name] as? Double, value.isFinite else {
      throw Problem(message: "'\(name)' is required and must be a number: \(meaning)")
    }
    return value
  }
}
