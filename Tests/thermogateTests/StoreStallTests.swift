import Foundation
import GRDB
import TestSupport
import XCTest

/// The store's blocking work runs on threads of its own: another connection holds the
/// database's write lock for two seconds while the daemon screens three entrances, two of them
/// busy enough to register screenings meanwhile. The API answers all along, the quiet entrance
/// keeps reading, and what was decided during the stall is registered once the lock goes.
final class StoreStallTests: XCTestCase {
  private var directory = ""
  private var daemon: ChildProcess?

  override func setUpWithError() throws {
    directory = NSTemporaryDirectory() + "thermogate-stall-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    _ = daemon?.stop(signal: SIGKILL, timeout: 5)
    try? FileManager.default.removeItem(atPath: directory)
  }

  func testTheAPIAnswersAndEntrancesReadWhileAnotherConnectionHoldsTheWriteLock() throws {
    let configuration = """
      site: stall
      state_directory: state
      sample_rate_hz: 10
      screening:
        warm_up_s: 1
      entrances:
        - name: busy1
          thermometer: sim:mcp2221?seed=3&arrivals=120
        - name: busy2
          thermometer: sim:cp2112?seed=4&arrivals=120
        - name: quiet
          thermometer: sim:mlx90614?seed=5&arrivals=0.01
      http:
        port: 0

      """
    let configPath = "\(directory)/gate.yaml"
    try configuration.write(toFile: configPath, atomically: true, encoding: .utf8)
    let output = "\(directory)/daemon.out"
    daemon = try ChildProcess(
      CLI.binary.path, ["run", "--config", configPath], output: output, errors: "\(directory)/daemon.err")

    var port = 0
    try waitUntil("the daemon listens", timeout: 60) {
      port = listeningPort(in: output) ?? 0
      return port > 0
    }
    let api = API(port: port, token: "")
    let database = "\(directory)/state/thermogate.sqlite"
    try waitUntil("screenings registered at both busy entrances", timeout: 60) {
      try Self.registered(in: database).count >= 4
    }

    // A transaction left open across accesses, on purpose: that is the other connection's lock.
    var unsafe = Configuration()
    unsafe.allowsUnsafeTransactions = true
    // The daemon writes often (two busy entrances): the other connection waits for the write in
    // progress, as any SQLite client would, then takes the lock.
    unsafe.busyMode = .timeout(10)
    let lock = try DatabaseQueue(path: database, configuration: unsafe)
    let before = try samples(api)
    let registeredBefore = try Self.registered(in: database).count
    try lock.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    let lockedAt = Date()
    var answers = 0
    while Date().timeIntervalSince(lockedAt) < 2 {
      // Each call fails the test if it does not answer (the client gives up after 5 s, the
      // lock is released only after this loop).
      XCTAssertEqual(try api.get("/api/status").status, 200)
      XCTAssertEqual(try api.get("/api/alerts").status, 200)
      answers += 1
      Thread.sleep(forTimeInterval: 0.1)
    }
    let during = try samples(api)
    try lock.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }

    XCTAssertGreaterThan(answers, 5, "the API answered while the write lock was held")
    XCTAssertGreaterThan(
      during["quiet"] ?? 0, (before["quiet"] ?? 0) + 5, "the quiet entrance kept reading: \(before) → \(during)")
    // The busy entrances decided during the stall; their screenings wait for the lock, then land.
    try waitUntil("the screenings of the stall registered", timeout: 20) {
      try Self.registered(in: database).count > registeredBefore
    }
  }

  private func samples(_ api: API) throws -> [String: Int] {
    let entrances = try api.json("/api/entrances") as? [[String: Any]] ?? []
    return Dictionary(
      uniqueKeysWithValues: entrances.compactMap { entry in
        (entry["entrance"] as? String).map { ($0, entry["samples"] as? Int ?? 0) }
      })
  }

  private static func registered(in path: String) throws -> [String] {
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    var configuration = Configuration()
    configuration.readonly = true
    return try DatabaseQueue(path: path, configuration: configuration).read { db in
      try String.fetchAll(db, sql: "SELECT entrance FROM screening")
    }
  }

  private func waitUntil(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
    try thermogateTests.waitUntil(what, timeout: timeout, log: "\(directory)/daemon.err", condition)
  }
}
