import NIOCore

/// One SMTP reply: a three-digit code and its text lines (`250-…` continues, `250 …` ends).
public struct SMTPReply: Sendable, Equatable {
  public var code: Int
  public var lines: [String]

  public var text: String { "\(code) " + lines.joined(separator: " / ") }
  var isPositive: Bool { (200..<400).contains(code) }
}

/// Bytes to replies. A line longer than RFC 5321's 512 octets (with room to spare) or one that
/// does not start with a code is a server that does not speak SMTP.
struct SMTPReplyDecoder: ByteToMessageDecoder {
  typealias InboundOut = SMTPReply

  struct Malformed: Error, CustomStringConvertible {
    var line: String
    var description: String { "not an SMTP reply: \(line.prefix(80))" }
  }

  private var lines: [String] = []
  static let longestLine = 4096

  mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    let view = buffer.readableBytesView
    guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
      if buffer.readableBytes > Self.longestLine { throw Malformed(line: String(buffer: buffer)) }
      return .needMoreData
    }
    let length = newline - view.startIndex + 1
    guard var line = buffer.readString(length: length) else { return .needMoreData }
    line = String(line.dropLast())
    if line.hasSuffix("\r") { line = String(line.dropLast()) }
    let code = line.prefix(3)
    guard code.count == 3, code.allSatisfy(\.isNumber), let number = Int(code) else { throw Malformed(line: line) }
    lines.append(String(line.dropFirst(4)))
    if line.dropFirst(3).first != "-" {
      context.fireChannelRead(wrapInboundOut(SMTPReply(code: number, lines: lines)))
      lines = []
    }
    return .continue
  }
}
