import Foundation
import TestSupport
import Testing

@testable import ThermoDispatch
@testable import ThermoStore

/// The thermogate binary, built beside this test bundle by `swift test`.
enum Binary {
  final class Marker {}
  static var thermogate: String {
    let bundle = Bundle(for: Marker.self).bundleURL
    let products = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
    return products.appendingPathComponent("thermogate").path
  }
}

/// kill -9 at random points while alerts are raised and delivered, again and again; then every
/// alert that was reported accepted reaches the webhook, and every registered screening is in
/// the register.
@Suite(.timeLimit(.minutes(3))) struct CrashTests {
  @Test func everyAcceptedAlertSurvivesRepeatedKillNine() async throws {
    let receiver = try WebhookReceiver(script: [], secret: Array("drill".utf8))
    defer { receiver.shutdown() }
    let database = temporaryDatabase()
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("drill-\(UUID().uuidString).out").path
    defer { try? FileManager.default.removeItem(atPath: output) }
    var random = SystemRandomNumberGenerator()
    var first = 1
    for _ in 0..<6 {
      let drill = try ChildProcess(
        Binary.thermogate,
        [
          "dispatch-drill", "--database", database, "--count", "40", "--first", "\(first)", "--interval", "0.005",
          "--webhook", receiver.url,
        ],
        output: output)
      try await Task.sleep(for: .milliseconds(Int.random(in: 100...600, using: &random)))
      drill.stop(signal: SIGKILL)
      first += 40
    }
    // A last run raises nothing and exits once everything pending is delivered.
    let drain = try ChildProcess(
      Binary.thermogate,
      ["dispatch-drill", "--database", database, "--count", "0", "--drain", "--webhook", receiver.url],
      output: output)
    #expect(drain.waitForExit(timeout: 120))

    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    let accepted = lines.compactMap { line -> (alert: Int64, screening: Int64)? in
      let words = line.split(separator: " ")
      guard words.count == 4, words[0] == "accepted", let alert = Int64(words[1]), let screening = Int64(words[3])
      else { return nil }
      return (alert, screening)
    }
    #expect(accepted.count >= 6, "the drills were killed before accepting anything: \(lines.count) lines")
    // The kills landed mid-stream: not every drill got through its forty alerts.
    #expect(accepted.count < 6 * 40, "no drill was interrupted; the test proved nothing")
    let received = Set(receiver.requests.compactMap(\.idempotencyKey).map(unscoped))
    let missing = accepted.filter { !received.contains("alert-\($0.alert)-webhook") }.map(\.alert)
    #expect(missing.isEmpty, "accepted but never delivered: \(missing)")
    #expect(receiver.requests.allSatisfy { $0.signatureValid })
    let registered = Set(try AlertStore(path: database).screenings().compactMap(\.id))
    let unregistered = accepted.filter { !registered.contains($0.screening) }.map(\.screening)
    #expect(unregistered.isEmpty, "screenings reported registered but gone: \(unregistered)")
  }
}
