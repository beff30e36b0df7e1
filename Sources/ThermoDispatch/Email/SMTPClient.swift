import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Submits one message per connection (RFC 5321): EHLO, STARTTLS and EHLO again, AUTH PLAIN
/// (LOGIN where only that is offered), MAIL FROM, RCPT TO, DATA, QUIT.
public struct SMTPClient: Sendable {
  public let settings: SMTPSettings

  public init(settings: SMTPSettings) {
    self.settings = settings
  }

  /// Sends `message` (as rendered, before dot-stuffing). Returns the recipients the server
  /// refused for good while it took the message for the others.
  public func send(_ message: String, from: String, to recipients: [String]) async throws(SMTPFailure) -> [String] {
    let channel: any Channel
    do {
      channel = try await connect()
    } catch {
      throw .transient("connecting to \(settings.host):\(settings.port): \(error)")
    }
    do {
      let refused = try await converse(channel, message: message, from: from, to: recipients)
      try? await channel.close()
      return refused
    } catch {
      try? await channel.close()
      throw Self.failure(error, host: settings.host)
    }
  }

  private var timeout: TimeAmount {
    let (seconds, attoseconds) = settings.timeout.components
    return .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
  }

  private func connect() async throws -> any Channel {
    let timeout = timeout
    return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .connectTimeout(timeout)
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
          try channel.pipeline.syncOperations.addHandler(SMTPConversation(timeout: timeout))
        }
      }
      .connect(host: settings.host, port: settings.port).get()
  }

  private func converse(_ channel: any Channel, message: String, from: String, to recipients: [String])
    async throws -> [String]
  {
    let host = settings.host
    try expect(await ask(channel, nil), 220, "greeting from \(host)")
    var extensions = try await hello(channel)
    var secured = false
    if settings.startTLS {
      guard extensions.keys.contains("STARTTLS") else {
        throw SMTPFailure.permanent(
          "\(host) does not offer STARTTLS (starttls: false only for a server on this machine)")
      }
      try expect(await ask(channel, "STARTTLS"), 220, "STARTTLS")
      let injected = try await channel.eventLoop.submit {
        try channel.pipeline.syncOperations.handler(type: SMTPConversation.self).hasUnclaimedReplies
      }.get()
      guard !injected else {
        throw SMTPFailure.permanent(
          "\(host) sent more after its STARTTLS answer, before encryption began; not trusted (a reply slipped in "
            + "in clear would answer commands sent under TLS)")
      }
      try await startTLS(channel)
      secured = true
      extensions = try await hello(channel)
    }
    if let username = settings.username {
      guard secured || NetworkHost.isLoopback(host) else {
        throw SMTPFailure.permanent(
          "refusing to send the SMTP password to \(host) over a connection without TLS (starttls: true; "
            + "only a server on this machine may take AUTH in clear)")
      }
      try await authenticate(channel, username: username, mechanisms: extensions["AUTH"] ?? [])
    }
    try expect(await ask(channel, "MAIL FROM:<\(from)>"), 250, "MAIL FROM")
    var refused: [String] = []
    for recipient in recipients {
      let reply = try await ask(channel, "RCPT TO:<\(recipient)>")
      if reply.code / 100 == 5 {
        refused.append("\(recipient) (\(reply.text))")
      } else {
        try expect(reply, 250...251, "RCPT TO:<\(recipient)>")
      }
    }
    guard refused.count < recipients.count else {
      throw SMTPFailure.permanent("\(host) refused every recipient: \(refused.joined(separator: ", "))")
    }
    try expect(await ask(channel, "DATA"), 354, "DATA")
    try expect(await ask(channel, raw: MailMessage.dataSection(message)), 250, "the message")
    // Accepted: a QUIT that goes wrong changes nothing.
    _ = try? await ask(channel, "QUIT")
    return refused
  }

  /// EHLO and the extensions it names: keyword → parameters (`AUTH` → `PLAIN`, `LOGIN`).
  private func hello(_ channel: any Channel) async throws -> [String: [String]] {
    let reply = try await ask(channel, "EHLO \(settings.heloName)")
    try expect(reply, 250, "EHLO")
    var extensions: [String: [String]] = [:]
    for line in reply.lines.dropFirst() {
      let words = line.uppercased().split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
      guard let keyword = words.first else { continue }
      extensions[keyword, default: []] += words.dropFirst()
    }
    return extensions
  }

  private func startTLS(_ channel: any Channel) async throws {
    var configuration = TLSConfiguration.makeClientConfiguration()
    if let caFile = settings.caFile { configuration.additionalTrustRoots = [.file(caFile)] }
    let context = try NIOSSLContext(configuration: configuration)
    // An address is checked against the certificate's IP entries; only a name goes in SNI.
    let serverName = Self.isAddress(settings.host) ? nil : settings.host
    let handshake = channel.eventLoop.makePromise(of: Void.self)
    try await channel.eventLoop.submit {
      let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
      try channel.pipeline.syncOperations.addHandler(TLSHandshake(done: handshake), position: .first)
      try channel.pipeline.syncOperations.addHandler(handler, position: .first)
    }.get()
    try await handshake.futureResult.get()
  }

  private func authenticate(_ channel: any Channel, username: String, mechanisms: [String]) async throws {
    let password = settings.password ?? ""
    func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    if mechanisms.contains("PLAIN") {
      try expect(await ask(channel, "AUTH PLAIN " + base64("\0\(username)\0\(password)")), 235, "AUTH PLAIN")
    } else if mechanisms.contains("LOGIN") {
      try expect(await ask(channel, "AUTH LOGIN"), 334, "AUTH LOGIN")
      try expect(await ask(channel, base64(username)), 334, "AUTH LOGIN (user name)")
      try expect(await ask(channel, base64(password)), 235, "AUTH LOGIN")
    } else {
      throw SMTPFailure.permanent(
        "\(settings.host) offers no AUTH PLAIN or LOGIN (offers: \(mechanisms.joined(separator: " ")))")
    }
  }

  private func ask(_ channel: any Channel, _ command: String?) async throws -> SMTPReply {
    try await ask(channel, raw: command.map { $0 + "\r\n" })
  }

  private func ask(_ channel: any Channel, raw: String?) async throws -> SMTPReply {
    let reply = channel.eventLoop.makePromise(of: SMTPReply.self)
    let request = SMTPRequest(command: raw.map { ByteBuffer(string: $0) }, reply: reply)
    channel.writeAndFlush(request).whenFailure { reply.fail($0) }
    return try await reply.futureResult.get()
  }

  /// 4xx may pass; 5xx and anything unexpected will not.
  private func expect(_ reply: SMTPReply, _ codes: ClosedRange<Int>, _ step: String) throws(SMTPFailure) {
    guard !codes.contains(reply.code) else { return }
    let text = "\(step): \(reply.text)"
    throw reply.code / 100 == 4 ? .transient(text) : .permanent(text)
  }

  private func expect(_ reply: SMTPReply, _ code: Int, _ step: String) throws(SMTPFailure) {
    try expect(reply, code...code, step)
  }

  static func isAddress(_ host: String) -> Bool {
    (try? SocketAddress(ipAddress: host, port: 0)) != nil
  }

  /// A certificate that is not trusted stays so until someone acts; a dropped connection or
  /// a slow server may recover.
  static func failure(_ error: any Error, host: String) -> SMTPFailure {
    switch error {
    case let failure as SMTPFailure: failure
    case NIOSSLError.handshakeFailed(let reason): .permanent("TLS with \(host) failed: \(reason)")
    case let error as NIOSSLExtraError: .permanent("TLS with \(host) failed: \(error)")
    default: .transient("\(host): \(error)")
    }
  }
}
