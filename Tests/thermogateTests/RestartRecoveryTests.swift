import Foundation
import TestSupport
import XCTest

/// A gateway killed with kill -9 while a free-flow turnstile is held and re-checks are open, and
/// started again: the relay board (a simulated one that latches its relays in a file across
/// processes, as a real board keeps its state) is set to what the record says before anyone is
/// screened, the re-checks are still open under their numbers, and acknowledging the alert
/// releases the turnstile the restarted gateway never held itself.
final class RestartRecoveryTests: XCTestCase {
  private var directory = ""
  private var children: [ChildProcess] = []
  private let token = "test-token-0123456789abcdef"

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-restart-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    for child in children { child.stop(signal: SIGKILL, timeout: 5) }
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// `arrivals` people a minute at north, all febrile; east is an access lane on the same board.
  private func configuration(arrivals: Double) -> String {
    """
    site: restart
    state_directory: state
    sample_rate_hz: 10
    gate_hold_s: 600
    screening:
      warm_up_s: 1
    entrances:
      - name: north
        thermometer: sim:mcp2221?seed=5&arrivals=\(arrivals)&febrile=1
        badge: sim
        gate: sim:relay?channel=1&state=\(directory)/relays
      - name: east
        mode: access
        thermometer: sim:cp2112?seed=9&arrivals=0.01
        badge: sim
        gate: sim:relay?channel=2&state=\(directory)/relays
    http:
      port: 0
      token_env: TEST_API_TOKEN

    """
  }

  private func start(arrivals: Double, run: Int) throws -> (ChildProcess, API) {
    let config = "\(directory)/gate-\(run).yaml"
    try configuration(arrivals: arrivals).write(toFile: config, atomically: true, encoding: .utf8)
    let output = "\(directory)/daemon-\(run).out"
    let daemon = try ChildProcess(
      CLI.binary.path, ["run", "--config", config], output: output, errors: "\(directory)/daemon-\(run).err",
      environment: ["TEST_API_TOKEN": token])
    children.append(daemon)
    var port = 0
    try waitUntil("the daemon listens", timeout: 60, run: run) {
      port = listeningPort(in: output) ?? 0
      return port > 0
    }
    return (daemon, API(port: port, token: token))
  }

  private var relays: String { (try? String(contentsOfFile: "\(directory)/relays", encoding: .utf8)) ?? "" }

  private func north(_ api: API) throws -> [String: Any] {
    try XCTUnwrap((try api.json("/api/entrances") as? [[String: Any]])?.first { $0["entrance"] as? String == "north" })
  }

  func testAKilledGatewayRestartsWithTheRelaysAndRechecksTheRecordSays() throws {
    let (first, api) = try start(arrivals: 60, run: 1)
    var heldAlerts: Set<Int> = []
    var rechecks: Set<Int> = []
    try waitUntil("north held with a re-check open", timeout: 90, run: 1) {
      let north = try self.north(api)
      rechecks = Set(((north["rechecks"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int })
      return north["gate_held"] as? Bool == true && !rechecks.isEmpty && self.relays.hasSuffix("1")
    }
    let open = try api.json("/api/alerts?open=true") as? [[String: Any]] ?? []
    heldAlerts = Set(
      open.filter { ["elevated", "fever"].contains($0["kind"] as? String) }.compactMap { $0["id"] as? Int })
    XCTAssertFalse(heldAlerts.isEmpty)
    first.stop(signal: SIGKILL, timeout: 5)

    // The board kept its relays; a release pulse cut short by the kill left east's on too.
    XCTAssertTrue(relays.hasSuffix("1"), relays)
    try "00000011".write(toFile: "\(directory)/relays", atomically: true, encoding: .utf8)

    // Nobody new arrives at north this time: what it shows comes from the record.
    let (_, restarted) = try start(arrivals: 0.01, run: 2)
    try waitUntil("north shown held again", timeout: 30, run: 2) {
      try self.north(restarted)["gate_held"] as? Bool == true
    }
    XCTAssertEqual(relays, "00000001", "held north stays held; east's release input is off before anyone is screened")
    let restored = Set(
      ((try north(restarted)["rechecks"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int })
    XCTAssertTrue(rechecks.isSubset(of: restored), "re-checks \(rechecks) still open after the restart: \(restored)")

    // Acknowledging the alerts releases the turnstile this process never held itself.
    let stillOpen = try restarted.json("/api/alerts?open=true") as? [[String: Any]] ?? []
    for alert in stillOpen where ["elevated", "fever"].contains(alert["kind"] as? String) {
      let id = try XCTUnwrap(alert["id"] as? Int)
      XCTAssertEqual(try restarted.post("/api/alerts/\(id)/ack", body: #"{"by":"guard"}"#, token: token).status, 200)
    }
    try waitUntil("north released", timeout: 20, run: 2) {
      try self.north(restarted)["gate_held"] as? Bool == false && self.relays == "00000000"
    }
  }

  private func waitUntil(_ what: String, timeout: Double, run: Int, _ condition: () throws -> Bool) throws {
    try thermogateTests.waitUntil(what, timeout: timeout, log: "\(directory)/daemon-\(run).err", condition)
  }
}
