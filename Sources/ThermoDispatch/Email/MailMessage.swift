import Foundation

/// One alert as an Internet message (RFC 5322 with MIME): a UTF-8 subject in RFC 2047 encoded
/// words, a UTF-8 body in base64, a Message-ID made from the delivery's idempotency key (the
/// same for every attempt, so mail readers fold duplicates) and that key in a header of its own.
public struct MailMessage: Sendable, Equatable {
  public var from: String
  public var to: [String]
  public var subject: String
  public var body: String
  public var idempotencyKey: String
  public var date: Date

  public static let idempotencyHeader = "X-Thermogate-Idempotency-Key"

  public init(from: String, to: [String], subject: String, body: String, idempotencyKey: String, date: Date) {
    self.from = from
    self.to = to
    self.subject = subject
    self.body = body
    self.idempotencyKey = idempotencyKey
    self.date = date
  }

  /// `<key@domain>`: the key's characters outside RFC 5322's dot-atom (the store scope's `:`)
  /// become `.`; the domain is the sender's.
  public var messageID: String {
    let atom = String(
      idempotencyKey.unicodeScalars.map {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
          || "-_".unicodeScalars.contains($0)
          ? Character($0) : "."
      })
    let domain = from.split(separator: "@").last.map(String.init) ?? "thermogate.invalid"
    return "<\(atom)@\(domain)>"
  }

  /// The message as sent after DATA (before dot-stuffing): CRLF line ends, no line over 78.
  public var rendered: String {
    let headers = [
      "Date: \(Self.rfc5322Date(date))",
      "From: \(from)",
      "To: \(to.joined(separator: ", "))",
      "Subject: \(Self.encodedWords(subject))",
      "Message-ID: \(messageID)",
      "\(Self.idempotencyHeader): \(idempotencyKey)",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=UTF-8",
      "Content-Transfer-Encoding: base64",
    ]
    let encodedBody = Data(body.utf8).base64EncodedString(options: [
      .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
    ])
    return headers.joined(separator: "\r\n") + "\r\n\r\n" + encodedBody + "\r\n"
  }

  /// RFC 2047 `B` encoded words of at most 75 characters, cut between characters (a word must
  /// hold whole UTF-8 sequences), folded onto continuation lines. Plain ASCII stays as it is.
  static func encodedWords(_ text: String) -> String {
    let printable = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
    if printable, text.utf8.count <= 66, !text.contains("=?") { return text }
    // 45 bytes make 60 base64 characters: "=?UTF-8?B?" + 60 + "?=" is 72.
    var words: [[UInt8]] = []
    var chunk: [UInt8] = []
    for character in text {
      let bytes = Array(String(character).utf8)
      if chunk.count + bytes.count > 45, !chunk.isEmpty {
        words.append(chunk)
        chunk = []
      }
      chunk += bytes
    }
    if !chunk.isEmpty { words.append(chunk) }
    return words.map { "=?UTF-8?B?\(Data($0).base64EncodedString())?=" }.joined(separator: "\r\n ")
  }

  /// `Wed, 02 Dec 2026 11:14:56 +0000`.
  static func rfc5322Date(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    return formatter.string(from: date)
  }

  /// The text after DATA: a line starting with "." gets another (RFC 5321 §4.5.2), then the
  /// terminating "<CRLF>.<CRLF>".
  static func dataSection(_ rendered: String) -> String {
    var lines = rendered.components(separatedBy: "\r\n")
    if lines.last == "" { lines.removeLast() }
    return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n.\r\n"
  }
}
