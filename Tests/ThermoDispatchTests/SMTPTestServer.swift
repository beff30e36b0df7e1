import Foundation
import TestSupport

/// A real SMTP submission server on a loopback port (aiosmtpd, Fixtures/smtp_server.py):
/// STARTTLS with a certificate from a fresh test CA, required before AUTH; one user; every
/// message it accepts decoded by Python's e-mail parser into `received`.
final class SMTPTestServer: @unchecked Sendable {
  static let python = "/usr/bin/python3"
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/smtp_server.py").path

  /// Debian's python3-aiosmtpd, importable by the system's Python only.
  static var missingReason: String? {
    guard FileManager.default.isExecutableFile(atPath: python),
      let probe = try? ChildProcess(python, ["-c", "import aiosmtpd"]), probe.waitForExit(timeout: 30),
      probe.exitStatus == 0
    else {
      return "the SMTP tests need Debian's python3-aiosmtpd (apt-get install python3-aiosmtpd, or make test-deps)"
    }
    return nil
  }

  struct Message: Decodable {
    var mailFrom: String
    var rcptTos: [String]
    var subject: String
    var body: String
    var contentType: String
    var charset: String?
    var messageId: String
    var idempotencyKey: String
    var date: String
    var to: String
    var tls: Bool
    var raw: String
  }

  let port: Int
  let directory: URL
  let user = "gateway"
  let password = "s3cret ünïcode"
  private let process: ChildProcess

  /// `tls: false`: no STARTTLS offered. `answerRecipients`: every RCPT gets this reply.
  init(tls: Bool = true, answerRecipients: String? = nil) throws {
    port = try MosquittoBroker.freePort()
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID().uuidString)")
    let outbox = directory.appendingPathComponent("received")
    try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
    var arguments = [
      Self.script, "--port", "\(port)", "--outdir", outbox.path, "--user", user, "--password", password,
    ]
    if tls {
      try MosquittoBroker.makeCertificates(in: directory)
      arguments += ["--cert", directory.appendingPathComponent("server.crt").path]
      arguments += ["--key", directory.appendingPathComponent("server.key").path]
    }
    if let answerRecipients { arguments += ["--answer-rcpt", answerRecipients] }
    process = try ChildProcess(
      Self.python, arguments, output: directory.appendingPathComponent("server.log").path,
      errors: directory.appendingPathComponent("server.log").path)
    let deadline = Date().addingTimeInterval(20)
    while Date() < deadline, !MosquittoBroker.accepts(port: port) { Thread.sleep(forTimeInterval: 0.05) }
  }

  var caFile: String { directory.appendingPathComponent("ca.crt").path }

  var log: String { (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? "" }

  var received: [Message] {
    let outbox = directory.appendingPathComponent("received")
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? [])
      .filter { $0.hasSuffix(".json") }.sorted { (Int($0.dropLast(5)) ?? 0) < (Int($1.dropLast(5)) ?? 0) }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return files.compactMap { file in
      (try? Data(contentsOf: outbox.appendingPathComponent(file))).flatMap {
        try? decoder.decode(Message.self, from: $0)
      }
    }
  }

  func stop() {
    process.stop()
    try? FileManager.default.removeItem(at: directory)
  }
}
