import Foundation
import Testing

@testable import ThermoDispatch
@testable import ThermoStore

func channelJob(_ id: Int64, sink: String, sequence: Int = 0) -> DeliveryJob {
  DeliveryJob(
    alertID: id, sink: sink, sequence: sequence, attempts: 0, kind: .fever, entrance: "north-3",
    device: "sim:mlx90614", raisedAt: 1_764_400_000, summary: "fever 38.4 °C at \"north-3\"", details: "{}")
}

@Suite struct MailMessageTests {
  let message = MailMessage(
    from: "gateway@example.org", to: ["duty@example.org", "office@example.org"],
    subject: "[thermogate] 发热告警 3号口 38.4 °C · 体温异常请立即处理，值班医生请到场复测 · reminder 2",
    body: ".a line that starts with a dot\n体温 38.4 °C\n", idempotencyKey: "store-1:alert-7-email-2",
    date: Date(timeIntervalSince1970: 1_764_400_000))

  @Test func aUTF8SubjectIsSplitIntoEncodedWordsOfAtMost75CharactersThatDecodeBack() throws {
    let encoded = MailMessage.encodedWords(message.subject)
    let words = encoded.components(separatedBy: "\r\n ")
    #expect(words.count > 1)
    var bytes: [UInt8] = []
    for word in words {
      #expect(word.count <= 75)
      #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
      let base64 = word.dropFirst(10).dropLast(2)
      let decoded = try #require(Data(base64Encoded: String(base64)))
      // Every word is whole UTF-8 on its own (RFC 2047 §5).
      #expect(String(data: decoded, encoding: .utf8) != nil)
      bytes += decoded
    }
    #expect(String(decoding: bytes, as: UTF8.self) == message.subject)
    #expect(MailMessage.encodedWords("fever at north") == "fever at north")
  }

  @Test func theMessageIsSevenBitWithItsDateIdsAndABase64Body() throws {
    let rendered = message.rendered
    #expect(rendered.unicodeScalars.allSatisfy { $0.isASCII })
    #expect(rendered.contains("\r\nMessage-ID: <store-1.alert-7-email-2@example.org>\r\n"))
    #expect(rendered.contains("\r\nX-Thermogate-Idempotency-Key: store-1:alert-7-email-2\r\n"))
    #expect(rendered.hasPrefix("Date: Sat, 29 Nov 2025 07:06:40 +0000\r\n"))
    #expect(rendered.contains("\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"))
    let body = try #require(rendered.components(separatedBy: "\r\n\r\n").last)
    #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
    let decoded = try #require(Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")))
    #expect(String(decoding: decoded, as: UTF8.self) == message.body)
  }

  @Test func linesStartingWithADotAreStuffedAndTheDataEndsWithALoneDot() {
    let data = MailMessage.dataSection("Subject: x\r\n\r\n.hidden\r\n..two\r\nplain\r\n")
    #expect(data == "Subject: x\r\n\r\n..hidden\r\n...two\r\nplain\r\n.\r\n")
  }
}

/// Against aiosmtpd: STARTTLS with a test CA, AUTH, and Python decoding what arrived.
@Suite(.timeLimit(.minutes(2)), .serialized) struct EmailSinkTests {
  func sink(
    _ server: SMTPTestServer, password: String? = nil, caFile: String?? = .none, timeout: Duration = .seconds(10)
  )
    -> EmailSink
  {
    EmailSink(
      name: "email",
      settings: SMTPSettings(
        host: "127.0.0.1", port: server.port, startTLS: true, username: server.user,
        password: password ?? server.password, caFile: caFile ?? server.caFile, timeout: timeout),
      from: "gateway@example.org", to: ["duty@example.org", "office@example.org"],
      text: AlertText(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .current))
  }

  func server(tls: Bool = true, answerRecipients: String? = nil) throws -> SMTPTestServer {
    if let reason = SMTPTestServer.missingReason { Issue.record(Comment(rawValue: reason)) }
    try #require(SMTPTestServer.missingReason == nil)
    return try SMTPTestServer(tls: tls, answerRecipients: answerRecipients)
  }

  @Test func anAlertArrivesOverSTARTTLSWithItsSubjectRecipientsAndBodyDecodable() async throws {
    let server = try server()
    defer { server.stop() }
    let job = channelJob(7, sink: "email", sequence: 2)
    #expect(await sink(server).deliver(job) == .delivered)
    let message = try #require(server.received.first, "nothing arrived; server log:\n\(server.log)")
    #expect(message.tls)
    #expect(message.mailFrom == "gateway@example.org")
    #expect(message.rcptTos == ["duty@example.org", "office@example.org"])
    #expect(message.to == "duty@example.org, office@example.org")
    #expect(message.subject == "[thermogate] fever 38.4 °C at \"north-3\" · 2025-11-29 15:06:40 GMT+8 · reminder 2")
    #expect(message.contentType == "text/plain")
    #expect(message.charset?.lowercased() == "utf-8")
    let body = message.body.replacingOccurrences(of: "\r\n", with: "\n")
    #expect(body.hasPrefix("fever 38.4 °C at \"north-3\" · 2025-11-29 15:06:40 GMT+8 · reminder 2\n"))
    #expect(body.contains("entrance: north-3\n"))
    #expect(message.idempotencyKey == "alert-7-email-2")
    #expect(message.messageId == "<alert-7-email-2@example.org>")
    #expect(!message.date.isEmpty && message.date != "None")
    #expect(message.raw.unicodeScalars.allSatisfy { $0.isASCII })
  }

  @Test func aWrongPasswordFailsForGood() async throws {
    let server = try server()
    defer { server.stop() }
    let outcome = await sink(server, password: "wrong").deliver(channelJob(1, sink: "email"))
    guard case .failed(let reason) = outcome else {
      Issue.record("expected .failed, got \(outcome)")
      return
    }
    #expect(reason.contains("535"))
    #expect(!reason.contains("wrong"))
    #expect(server.received.isEmpty)
  }

  @Test func aServerAskingToTryLaterIsRetried() async throws {
    let server = try server(answerRecipients: "451 4.3.0 try again later")
    defer { server.stop() }
    let outcome = await sink(server).deliver(channelJob(1, sink: "email"))
    #expect(outcome == .retry("SMTP: RCPT TO:<duty@example.org>: 451 4.3.0 try again later"))
  }

  @Test func aRefusedRecipientFailsTheDelivery() async throws {
    let server = try server(answerRecipients: "550 5.1.1 no such user")
    defer { server.stop() }
    guard case .failed(let reason) = await sink(server).deliver(channelJob(1, sink: "email")) else {
      Issue.record("expected .failed")
      return
    }
    #expect(reason.contains("550 5.1.1 no such user"))
  }

  @Test func aCertificateFromAnUnknownCAIsNotTrusted() async throws {
    let server = try server()
    defer { server.stop() }
    let outcome = await sink(server, caFile: .some(nil)).deliver(channelJob(1, sink: "email"))
    guard case .failed(let reason) = outcome else {
      Issue.record("expected .failed, got \(outcome)")
      return
    }
    #expect(reason.contains("TLS with 127.0.0.1 failed"))
    #expect(server.received.isEmpty)
  }

  @Test func aServerWithoutSTARTTLSNeverSeesThePassword() async throws {
    let server = try server(tls: false)
    defer { server.stop() }
    let outcome = await sink(server).deliver(channelJob(1, sink: "email"))
    guard case .failed(let reason) = outcome else {
      Issue.record("expected .failed, got \(outcome)")
      return
    }
    #expect(reason.contains("does not offer STARTTLS"))
    // The server logs every command it receives: EHLO came, AUTH never did.
    #expect(server.log.contains(">> b'EHLO "))
    #expect(!server.log.contains(">> b'AUTH"))
  }

  @Test func noServerListeningIsRetried() async throws {
    let server = try server()
    server.stop()
    guard case .retry = await sink(server).deliver(channelJob(1, sink: "email")) else {
      Issue.record("expected .retry")
      return
    }
  }

  /// A man in the middle answers STARTTLS and, in the same packet, a fake reply meant for the
  /// first command sent under TLS (the STARTTLS command-injection attack): refused for good.
  @Test func aReplySlippedInBeforeEncryptionIsRefused() async throws {
    let (listener, port) = try loopbackListener()
    defer { close(listener) }
    let server = Thread {
      let connection = accept(listener, nil, nil)
      guard connection >= 0 else { return }
      defer { close(connection) }
      func say(_ text: String) { _ = text.withCString { send(connection, $0, strlen($0), 0) } }
      func hear() {
        var buffer = [UInt8](repeating: 0, count: 512)
        _ = recv(connection, &buffer, buffer.count, 0)
      }
      say("220 mail.example ESMTP\r\n")
      hear()  // EHLO
      say("250-mail.example\r\n250-AUTH PLAIN\r\n250 STARTTLS\r\n")
      hear()  // STARTTLS
      say("220 go ahead\r\n250 injected\r\n")
      hear()  // whatever comes next, until the client hangs up
    }
    server.start()
    let sink = EmailSink(
      name: "email",
      settings: SMTPSettings(
        host: "127.0.0.1", port: port, startTLS: true, username: "gateway",
        password: "secret", timeout: .seconds(5)),
      from: "gateway@example.org", to: ["duty@example.org"])
    let outcome = await sink.deliver(channelJob(1, sink: "email"))
    guard case .failed(let reason) = outcome else {
      Issue.record("expected .failed, got \(outcome)")
      return
    }
    #expect(reason.contains("before encryption began"), "\(reason)")
    #expect(!reason.contains("secret"))
  }

  @Test func aServerThatNeverGreetsTimesOutAndIsRetried() async throws {
    // A listening socket nobody answers on: the connection is accepted by the kernel, the
    // greeting never comes.
    let (listener, port) = try loopbackListener()
    defer { close(listener) }
    let sink = EmailSink(
      name: "email",
      settings: SMTPSettings(
        host: "127.0.0.1", port: port, timeout: .milliseconds(300)),
      from: "gateway@example.org", to: ["duty@example.org"])
    #expect(await sink.deliver(channelJob(1, sink: "email")) == .retry("SMTP: 127.0.0.1: no reply within 300 ms"))
  }
}

/// A listening TCP socket on a free loopback port that speaks only when the test makes it.
func loopbackListener() throws -> (socket: Int32, port: Int) {
  let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(listener, $0, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, $0, &length) == 0
    }
  }
  guard bound else {
    close(listener)
    throw POSIXError(.EADDRNOTAVAIL)
  }
  return (listener, Int(UInt16(bigEndian: address.sin_port)))
}
