import Foundation
import TestSupport
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// `thermogate run` as a subprocess with simulated devices: a USB bridge simulated in-process and
/// a PyroUSB simulator on a pty behind a /dev/serial/by-id-style link, unplugged and re-plugged.
final class DaemonTests: XCTestCase {
  private var directory = ""
  private var children: [ChildProcess] = []
  private let token = "test-token-0123456789abcdef"

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-daemon-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    for child in children { child.stop(signal: SIGKILL, timeout: 5) }
    try? FileManager.default.removeItem(atPath: directory)
  }

  private func configuration(extraEntrance: Bool) -> String {
    var text = """
      site: testsite
      state_directory: state
      sample_rate_hz: 10
      screening:
        warm_up_s: 1
      entrances:
        - name: north
          thermometer: sim:mcp2221?seed=5&arrivals=40&febrile=1
          badge: sim
          gate: sim:relay?channel=1
        - name: lobby
          thermometer: pyrousb:\(directory)/pyro
      http:
        port: 0
        token_env: TEST_API_TOKEN

      """
    if extraEntrance {
      text = text.replacingOccurrences(
        of: "  - name: lobby\n", with: "  - name: south\n    thermometer: sim:cp2112?seed=9\n  - name: lobby\n")
    }
    return text
  }

  private func startSimulator() throws -> ChildProcess {
    let simulator = try ChildProcess(
      CLI.binary.path, ["simulate", "pyrousb", "--link", "\(directory)/pyro", "--arrivals-per-minute", "30"])
    children.append(simulator)
    try waitUntil("the simulator's link exists", timeout: 20) {
      (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/pyro")) != nil
        && FileManager.default.fileExists(atPath: "\(directory)/pyro")
    }
    return simulator
  }

  func testDaemonScreensAlertsRecoversReloadsAndDrainsOnSigterm() throws {
    var simulator = try startSimulator()
    let configPath = "\(directory)/gate.yaml"
    try configuration(extraEntrance: false).write(toFile: configPath, atomically: true, encoding: .utf8)
    let output = "\(directory)/daemon.out"
    let errors = "\(directory)/daemon.err"
    let daemon = try ChildProcess(
      CLI.binary.path, ["run", "--config", configPath], output: output, errors: errors,
      environment: ["TEST_API_TOKEN": token])
    children.append(daemon)

    var port = 0
    try waitUntil("the daemon listens", timeout: 60) {
      let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
      guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }),
        let value = line.split(separator: ":").last.flatMap({ Int($0) })
      else { return false }
      port = value
      return true
    }
    let api = API(port: port, token: token)

    // Both entrances come up: the USB bridge and the serial head through its link.
    try waitUntil("both entrances ready", timeout: 30) {
      let states = try api.states()
      return states["north"] == "ready" && states["lobby"] == "ready"
    }

    // Febrile people at north: a screening above the threshold raises an alert and holds the gate.
    var alertID = 0
    try waitUntil("an elevated or fever alert from north", timeout: 60) {
      let alerts = try api.json("/api/alerts") as? [[String: Any]] ?? []
      guard
        let alert = alerts.first(where: {
          ["elevated", "fever"].contains($0["kind"] as? String) && $0["entrance"] as? String == "north"
        })
      else { return false }
      alertID = alert["id"] as? Int ?? 0
      return true
    }
    let north = try XCTUnwrap(
      (try api.json("/api/entrances") as? [[String: Any]])?.first { $0["entrance"] as? String == "north" })
    XCTAssertEqual(north["gate_held"] as? Bool, true, "the turnstile is held for the person")

    // Acknowledging needs the token; with it, the alert is acknowledged and the gate released.
    XCTAssertEqual(try api.post("/api/alerts/\(alertID)/ack", body: #"{"by":"guard"}"#, token: nil).status, 401)
    XCTAssertEqual(try api.post("/api/alerts/\(alertID)/ack", body: #"{"by":"guard"}"#, token: "wrong").status, 401)
    let ack = try api.post("/api/alerts/\(alertID)/ack", body: #"{"by":"guard Ana"}"#, token: token)
    XCTAssertEqual(ack.status, 200, ack.body)
    let acknowledged = try XCTUnwrap(
      (try api.json("/api/alerts") as? [[String: Any]])?.first { $0["id"] as? Int == alertID })
    XCTAssertEqual(acknowledged["acknowledged_by"] as? String, "guard Ana")

    try waitUntil("a screening at lobby, read through the pty", timeout: 60) {
      let entrances = try api.json("/api/entrances") as? [[String: Any]] ?? []
      return entrances.contains { $0["entrance"] as? String == "lobby" && $0["last_screening"] is [String: Any] }
    }

    // Unplugging the serial head: its entrance goes to no_device and an alert says so; the other
    // entrance carries on; re-plugged, it is ready again without a restart.
    simulator.stop(signal: SIGKILL)
    try waitUntil("lobby reports no_device", timeout: 30) { try api.states()["lobby"] == "no_device" }
    XCTAssertEqual(try api.states()["north"], "ready")
    try waitUntil("a device_missing alert for lobby", timeout: 20) {
      let alerts = try api.json("/api/alerts?open=true") as? [[String: Any]] ?? []
      return alerts.contains { $0["kind"] as? String == "device_missing" && $0["entrance"] as? String == "lobby" }
    }
    simulator = try startSimulator()
    try waitUntil("lobby ready again", timeout: 30) { try api.states()["lobby"] == "ready" }
    try waitUntil("the device_missing alert resolved", timeout: 20) {
      let alerts = try api.json("/api/alerts?open=true") as? [[String: Any]] ?? []
      return !alerts.contains { $0["kind"] as? String == "device_missing" }
    }

    // SIGHUP with a broken file: refused, the running configuration stays.
    try "entrances:\n  - name: north\n    thermometer: nonsense\n".write(
      toFile: configPath, atomically: true, encoding: .utf8)
    kill(daemon.pid, SIGHUP)
    try waitUntil("the reload is refused", timeout: 20) {
      ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").contains("new configuration is refused")
    }
    XCTAssertEqual(try api.states().keys.sorted(), ["lobby", "north"])

    // A dashboard's live stream is open across the reload: it gets snapshots, and the reload
    // ends it rather than waiting for it (the page reconnects by itself).
    let stream = try EventStreamClient(port: port)
    try waitUntil("snapshots on the event stream", timeout: 10) { stream.text.contains("event: snapshot") }

    // SIGHUP with a valid file that adds an entrance: it runs, in the same process.
    try configuration(extraEntrance: true).write(toFile: configPath, atomically: true, encoding: .utf8)
    kill(daemon.pid, SIGHUP)
    var newPort = 0
    try waitUntil("the daemon listens again after the reload", timeout: 30) {
      let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
      let lines = text.split(separator: "\n").filter { $0.hasPrefix("listening on http://") }
      guard lines.count >= 2, let value = lines.last?.split(separator: ":").last.flatMap({ Int($0) }) else {
        return false
      }
      newPort = value
      return true
    }
    let reloaded = API(port: newPort, token: token)
    try waitUntil("three entrances after the reload", timeout: 30) {
      try reloaded.states().keys.sorted() == ["lobby", "north", "south"]
    }
    try waitUntil("the old event stream closed by the reload", timeout: 10) { stream.isClosed }

    // Metrics: screenings by entrance and class, per-sink deliveries, entrance states.
    let metrics = try reloaded.get("/metrics").body
    XCTAssertTrue(metrics.contains("thermogate_screenings_total{"), metrics)
    XCTAssertTrue(metrics.contains(#"entrance="north""#))
    XCTAssertTrue(metrics.contains("thermogate_delivery_attempts_total{"))
    XCTAssertTrue(metrics.contains("thermogate_alert_queue_depth"))

    // SIGHUP with a valid file that cannot run (its port is taken): back to the running one.
    let blocker = try ListeningSocket()
    try configuration(extraEntrance: true).replacingOccurrences(of: "port: 0", with: "port: \(blocker.port)")
      .write(toFile: configPath, atomically: true, encoding: .utf8)
    kill(daemon.pid, SIGHUP)
    try waitUntil("the daemon falls back to the previous configuration", timeout: 30) {
      let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
      return text.split(separator: "\n").filter { $0.hasPrefix("listening on http://") }.count >= 3
        && ((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "").contains("going back to the previous one")
    }
    let fallback = try XCTUnwrap(
      (try String(contentsOfFile: output, encoding: .utf8)).split(separator: "\n")
        .last { $0.hasPrefix("listening on http://") }?.split(separator: ":").last.flatMap { Int($0) })
    try waitUntil("three entrances after the fallback", timeout: 30) {
      try API(port: fallback, token: token).states().keys.sorted() == ["lobby", "north", "south"]
    }
    blocker.close()

    // SIGTERM: a clean exit (an open event stream does not hold it up), and the register holds
    // north's screenings.
    let lastStream = try EventStreamClient(port: fallback)
    try waitUntil("snapshots on the event stream", timeout: 10) { lastStream.text.contains("event: snapshot") }
    XCTAssertTrue(daemon.stop(signal: SIGTERM, timeout: 20), "the daemon exits after SIGTERM")
    XCTAssertEqual(daemon.exitStatus, 0)
    let export = try CLI.run([
      "register", "export", "--database", "\(directory)/state/thermogate.sqlite", "--format", "jsonl",
    ])
    XCTAssertEqual(export.status, 0, export.errors)
    let rows = try CLI.jsonLines(export.output)
    XCTAssertTrue(rows.contains { $0["entrance"] as? String == "north" }, export.output)
    XCTAssertTrue(rows.contains { $0["entrance"] as? String == "lobby" }, "the serial head's screenings too")
    let logs = try String(contentsOfFile: errors, encoding: .utf8)
    XCTAssertFalse(logs.contains(token), "the API token never reaches the log")
  }

  private func waitUntil(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
    try thermogateTests.waitUntil(what, timeout: timeout, log: "\(directory)/daemon.err", condition)
  }
}

/// A TCP port held open by the test (a listener nobody answers).
final class ListeningSocket {
  let port: Int
  private var descriptor: Int32

  init() throws {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.descriptor = descriptor
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0
          && getsockname(descriptor, pointer, &length) == 0
      }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  func close() {
    if descriptor >= 0 { _ = Glibc.close(descriptor) }
    descriptor = -1
  }

  deinit { close() }
}

/// A blocking HTTP client for the daemon's API.
struct API {
  let port: Int
  let token: String

  struct Reply {
    var status: Int
    var body: String
  }

  func get(_ path: String) throws -> Reply { try send("GET", path, body: nil, token: nil) }

  func post(_ path: String, body: String, token: String?) throws -> Reply {
    try send("POST", path, body: body, token: token)
  }

  func json(_ path: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(get(path).body.utf8))
  }

  func states() throws -> [String: String] {
    let entrances = try json("/api/entrances") as? [[String: Any]] ?? []
    return Dictionary(
      uniqueKeysWithValues: entrances.compactMap { entry in
        (entry["entrance"] as? String).map { ($0, entry["state"] as? String ?? "") }
      })
  }

  private func send(_ method: String, _ path: String, body: String?, token: String?) throws -> Reply {
    let url = try XCTUnwrap(URL(string: "http://127.0.0.1:\(port)\(path)"))
    var request = URLRequest(url: url, timeoutInterval: 5)
    request.httpMethod = method
    if let body { request.httpBody = Data(body.utf8) }
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    let done = DispatchSemaphore(value: 0)
    let result = LockedReply()
    URLSession.shared.dataTask(with: request) { data, response, error in
      result.set(
        error == nil
          ? Reply(
            status: (response as? HTTPURLResponse)?.statusCode ?? 0,
            body: String(decoding: data ?? Data(), as: UTF8.self)) : nil)
      done.signal()
    }.resume()
    done.wait()
    return try XCTUnwrap(result.get(), "\(method) \(path) failed")
  }
}

final class LockedReply: @unchecked Sendable {
  private let lock = NSLock()
  private var reply: API.Reply?
  func set(_ value: API.Reply?) { lock.withLock { reply = value } }
  func get() -> API.Reply? { lock.withLock { reply } }
}

/// A client of the dashboard's event stream on a plain socket: it sends the request and
/// collects whatever arrives, on a thread of its own, until the server closes the connection.
final class EventStreamClient: @unchecked Sendable {
  private let descriptor: Int32
  private let lock = NSLock()
  private var received = Data()
  private var closed = false

  init(port: Int) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
    guard connected else {
      Glibc.close(descriptor)
      throw POSIXError(.ECONNREFUSED)
    }
    let request = "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
    Thread.detachNewThread { [self] in
      var buffer = [UInt8](repeating: 0, count: 16_384)
      while true {
        let count = recv(descriptor, &buffer, buffer.count, 0)
        lock.lock()
        if count <= 0 {
          closed = true
          lock.unlock()
          return
        }
        received.append(contentsOf: buffer[0..<count])
        lock.unlock()
      }
    }
  }

  var text: String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: received, as: UTF8.self)
  }

  var isClosed: Bool {
    lock.lock()
    defer { lock.unlock() }
    return closed
  }

  deinit {
    shutdown(descriptor, Int32(SHUT_RDWR))
    Glibc.close(descriptor)
  }
}
