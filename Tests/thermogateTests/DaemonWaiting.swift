import Foundation
import XCTest

/// Waits for `condition`, looking every quarter second, for at most `timeout` seconds; past it
/// the test fails with the tail of the daemon's log and stops.
func waitUntil(_ what: String, timeout: Double, log: String, _ condition: () throws -> Bool) throws {
  let deadline = Date().addingTimeInterval(timeout)
  while Date() < deadline {
    if (try? condition()) == true { return }
    Thread.sleep(forTimeInterval: 0.25)
  }
  let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
  XCTFail("timed out waiting for \(what); daemon log tail:\n\(text.suffix(3000))")
  throw XCTSkip("stopping after a timeout")
}

/// The port a daemon said it listens on (`listening on http://HOST:PORT`), once it has.
func listeningPort(in output: String) -> Int? {
  let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
  guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }) else {
    return nil
  }
  return line.split(separator: ":").last.flatMap { Int($0) }
}
