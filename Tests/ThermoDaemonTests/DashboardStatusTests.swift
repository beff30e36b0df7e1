import Foundation
import Testing
import ThermoCore
import ThermoDispatch
import ThermoStore

@testable import ThermoDaemon

@Suite struct ScreeningHistoryTests {
  @Test func keepsTheLastHourAndHandsOutOnlyWhatACursorHasNotSeen() {
    let history = ScreeningHistory(span: 3600, capacity: 100)
    for minute in 0..<90 {
      history.append(
        entrance: minute.isMultiple(of: 2) ? "north" : "south", time: Double(minute) * 60, bodyC: 36.5,
        screeningClass: "normal", thresholdC: 37.3, baselineC: nil)
    }
    let (all, last) = history.points(after: 0)
    #expect(last == 90)
    // The newest north point is at minute 88 and the newest south at 89: an hour back from each.
    let north = all.filter { $0.entrance == "north" }.map(\.time)
    let south = all.filter { $0.entrance == "south" }.map(\.time)
    #expect(north.min() == 1680 && north.count == 31)
    #expect(south.min() == 1740 && south.count == 31)
    #expect(all.map(\.sequence) == all.map(\.sequence).sorted())
    history.append(
      entrance: "north", time: 90 * 60, bodyC: 38.9, screeningClass: "fever", thresholdC: 37.3, baselineC: nil)
    let (new, next) = history.points(after: last)
    #expect(new.map(\.screeningClass) == ["fever"])
    #expect(next == 91)
    #expect(history.points(after: next).points.isEmpty)
  }

  @Test func aBusyEntranceIsCappedAtItsCapacity() {
    let history = ScreeningHistory(span: 3600, capacity: 10)
    for index in 0..<25 {
      history.append(
        entrance: "north", time: Double(index), bodyC: 36.5, screeningClass: "normal", thresholdC: 37.3,
        baselineC: nil)
    }
    let points = history.points(after: 0).points
    #expect(points.count == 10)
    #expect(points.first?.time == 15)
  }
}

@Suite struct DashboardStatusTests {
  let utc = TimeZone(identifier: "UTC") ?? .current

  /// One person in front of a 22 °C room for 3.5 s, then gone.
  func pass(from start: Double, skinC: Double) -> [Sample] {
    (0..<60).map { index in
      let time = start + Double(index) * 0.1
      let present = index >= 5 && index < 40
      return Sample(time: time, objectC: present ? skinC : 21.5, ambientC: 22)
    }
  }

  func screen(_ monitor: inout EntranceMonitor, person: String, at time: Double, skinC: Double) async {
    await monitor.handle(.badge(person, at: time))
    for sample in pass(from: time, skinC: skinC) { await monitor.handle(.sample(sample)) }
  }

  @Test func screeningsFeedTheChartAndTodaysCountsWhichStartAgainAtMidnight() async throws {
    let outlet = RecordingOutlet()
    let status = GatewayStatus(entrances: ["north"], timeZone: utc)
    let evening = 86_400.0 * 20_000 + 23 * 3600  // 23:00 UTC
    var monitor = EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: outlet, status: status,
      personIDs: .plain, clock: .manual(at: evening))
    await monitor.handle(.opened(device: "sim:mlx90614", at: evening))
    await screen(&monitor, person: "W-1", at: evening + 10, skinC: 34.5)
    await screen(&monitor, person: "W-2", at: evening + 20, skinC: 34.6)
    var north = try #require(status.status(of: "north"))
    #expect(north.today == ["normal": 2])
    #expect(north.todayStartedAt == 86_400 * 20_000)
    let points = status.history.points(after: 0).points
    #expect(points.count == 2)
    #expect(points.allSatisfy { $0.bodyC != nil && $0.thresholdC == north.thresholdC })

    // Past midnight the day's counts start from zero (the chart keeps its hour).
    await monitor.handle(.tick(evening + 3600 + 5))
    north = try #require(status.status(of: "north"))
    #expect(north.today.isEmpty)
    #expect(north.todayStartedAt == 86_400 * 20_001)
    await screen(&monitor, person: "W-3", at: evening + 3600 + 10, skinC: 34.5)
    #expect(status.status(of: "north")?.today == ["normal": 1])
    #expect(status.status(of: "north")?.counts == ["normal": 3], "counts since start go on")
    #expect(status.history.points(after: 0).points.count == 3)
  }

  @Test func theRecheckQueueShowsWhoMustComeBackAsTheRegisterKeepsThem() async throws {
    let outlet = RecordingOutlet()
    let status = GatewayStatus(entrances: ["north"], timeZone: utc)
    let key: [UInt8] = Array("site-key-for-tests".utf8)
    var monitor = EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: outlet, status: status,
      personIDs: .hashed(key: key), clock: .manual(at: 1000))
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    await screen(&monitor, person: "W-9", at: 1010, skinC: 36.4)
    let decision = try #require(await outlet.decisions.last)
    #expect(decision.screeningClass == .elevated, "\(decision.bodyC ?? 0)")
    let rechecks = try #require(status.status(of: "north")?.rechecks)
    #expect(rechecks.count == 1)
    #expect(rechecks.first?.person == PersonIDPolicy.hashed(key: key).protect("W-9"))
    #expect(rechecks.first?.person?.hasPrefix("h:") == true)
    #expect(rechecks.first?.deadline == decision.recheck?.deadline)
    #expect(status.status(of: "north")?.lastScreening?.person?.hasPrefix("h:") == true)
    // The re-check, cleared, leaves the queue.
    await screen(&monitor, person: "W-9", at: 1100, skinC: 34.5)
    #expect(status.status(of: "north")?.rechecks.isEmpty == true)
  }

  @Test func theCalibrationInForceShowsAndARealDeviceWithoutOneIsMarked() async throws {
    let outlet = RecordingOutlet()
    let status = GatewayStatus(entrances: ["north", "south"], timeZone: utc)
    var record = CalibrationRecord(
      kind: .calibration, device: "mcp2221:serial=A", address: "mcp2221:serial=A", time: 500, technician: "Ana",
      referenceID: "BB-1", referenceUncertaintyC: 0.05, points: [], asFoundCalibrationID: "uncalibrated",
      asFoundOffsetC: 0, asFoundGain: 1, offsetC: 0.4, gain: 1.01, expandedUncertaintyC: 0.1, toleranceC: 0.3,
      outcome: .accepted, failures: [], nextDueAt: 90_000)
    record.id = 3
    _ = EntranceMonitor(
      entrance: "north", thermometer: "mcp2221:serial=A", pipeline: EntrancePipeline(), outlet: outlet, status: status,
      personIDs: .plain, calibration: record, requiresCalibration: true, clock: .manual(at: 1000))
    _ = EntranceMonitor(
      entrance: "south", thermometer: "mcp2221:serial=B", pipeline: EntrancePipeline(), outlet: outlet, status: status,
      personIDs: .plain, requiresCalibration: true, clock: .manual(at: 1000))
    let north = try #require(status.status(of: "north")?.calibration)
    #expect(north.id == 3)
    #expect(north.technician == "Ana")
    #expect(north.nextDueAt == 90_000)
    #expect(north.outcome == "accepted")
    #expect(status.status(of: "south")?.calibration == nil)
    #expect(status.status(of: "south")?.calibrationRequired == true)
  }

  @Test func todaysCountsAndTheChartComeBackFromTheRegisterAfterARestart() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString).sqlite")
      .path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let store = try AlertStore(path: path)
    let midnight = 86_400.0 * 20_000
    let now = midnight + 5 * 3600
    func entry(_ entrance: String, at time: Double, _ screeningClass: ScreeningClass) -> RegisterEntry {
      RegisterEntry(
        decision: Decision(
          time: time, screeningClass: screeningClass, reason: .belowThreshold, person: "E1", rawObjectC: 35,
          skinC: 35, ambientC: 22, bodyC: 36.8, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
          guardBandC: 0.1, calibrationID: "none", bodyModelVersion: "v1", recheck: nil, sampleCount: 10),
        entrance: entrance, device: "sim", policy: .plain)
    }
    try store.register([
      entry("north", at: midnight - 60, .fever),  // yesterday
      entry("north", at: midnight + 60, .normal),  // today, hours ago: counted, not charted
      entry("north", at: now - 600, .fever),
      entry("south", at: now - 300, .normal),
      entry("elsewhere", at: now - 200, .normal),  // an entrance this configuration no longer has
    ])
    var batch = RegisterBatch()
    for (time, outcome, reason) in [
      (midnight - 60, AccessOutcome.denied, AccessReason.fever), (now - 500, .granted, .normal),
      (now - 400, .denied, .unknownID),
    ] {
      let decision = AccessDecision(
        pass: 1, time: time, outcome: outcome, reason: reason, person: "E1", holder: nil, screening: nil,
        mode: .access)
      batch.passages.append((PassageEntry(decision: decision, entrance: "north", policy: .plain), nil))
    }
    try store.register(batch)
    let status = GatewayStatus(entrances: ["north", "south"], timeZone: utc)
    try status.restore(from: store, now: now)
    #expect(status.status(of: "north")?.today == ["fever": 1, "normal": 1])
    #expect(status.status(of: "north")?.todayAccess == ["granted": 1, "denied": 1], "today's, from the register")
    #expect(status.status(of: "south")?.today == ["normal": 1])
    #expect(status.history.points(after: 0).points.map(\.entrance) == ["north", "south"])
    // A monitor that starts the same day keeps the restored counts.
    _ = EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: RecordingOutlet(),
      status: status, personIDs: .plain, clock: .manual(at: now + 1))
    #expect(status.status(of: "north")?.today == ["fever": 1, "normal": 1])
    #expect(status.status(of: "north")?.todayAccess == ["granted": 1, "denied": 1])
    // One that starts the next day does not.
    _ = EntranceMonitor(
      entrance: "south", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: RecordingOutlet(),
      status: status, personIDs: .plain, clock: .manual(at: midnight + 86_400 + 10))
    #expect(status.status(of: "south")?.today.isEmpty == true)
  }
}
