import Synchronization
import Testing
import ThermoCore
import ThermoDaemon
import ThermoDevices
import ThermoDispatch
import ThermoStore

/// Records what a monitor sends out.
actor RecordingOutlet: ScreeningOutlet {
  var decisions: [Decision] = []
  var alerts: [Alert] = []
  var resolved: [(AlertKind, String?)] = []
  var releases: [String] = []
  var logged: CalibrationRecord?

  func setCalibration(_ record: CalibrationRecord) { logged = record }
  func calibration(for key: String) async -> CalibrationRecord? { logged }

  func record(_ decision: Decision, entrance: String, device: String?) async -> Int64? {
    decisions.append(decision)
    return Int64(decisions.count)
  }
  func raise(_ alert: Alert) async -> Int64? {
    alerts.append(alert)
    return Int64(alerts.count)
  }
  func resolve(_ kind: AlertKind, entrance: String, device: String?, at time: Double) async {
    resolved.append((kind, device))
  }
  func isSilenced(entrance: String, at time: Double) async -> Bool { false }
  func releaseGate(entrance: String, alertID: Int64) async { releases.append("\(entrance):\(alertID)") }
}

@Suite struct EntranceMonitorTests {
  /// One person at 36.0 °C skin in a 22 °C room for 3 s, then gone.
  func passSamples(from start: Double, skinC: Double) -> [Sample] {
    (0..<60).map { index in
      let time = start + Double(index) * 0.1
      let present = index >= 5 && index < 40
      return Sample(time: time, objectC: present ? skinC : 21.5, ambientC: 22)
    }
  }

  func record(outcome: CalibrationRecord.Outcome, offset: Double = 0.5, due: Double?) -> CalibrationRecord {
    var record = CalibrationRecord(
      kind: .calibration, device: "sim:mlx90614", address: "sim:mlx90614", time: 0, technician: "t",
      referenceID: "BB", referenceUncertaintyC: 0.05, points: [], asFoundCalibrationID: "uncalibrated",
      asFoundOffsetC: 0, asFoundGain: 1, offsetC: offset, gain: 1, expandedUncertaintyC: 0.1, toleranceC: 0.3,
      outcome: outcome, failures: outcome == .accepted ? [] : ["gain 1.0800 is outside 0.95…1.05"], nextDueAt: due)
    record.id = 7
    return record
  }

  func monitor(_ outlet: RecordingOutlet, calibration: CalibrationRecord?) -> (EntranceMonitor, GatewayStatus) {
    let status = GatewayStatus(entrances: ["north"])
    let monitor = EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: outlet, status: status,
      personIDs: .plain, calibration: calibration, clock: .manual(at: 1000))
    return (monitor, status)
  }

  @Test func theLoggedCalibrationIsAppliedToScreenings() async throws {
    let outlet = RecordingOutlet()
    var (monitor, status) = monitor(outlet, calibration: record(outcome: .accepted, due: 10_000_000))
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    for sample in passSamples(from: 1000, skinC: 34.5) { await monitor.handle(.sample(sample)) }
    let decisions = await outlet.decisions
    #expect(decisions.count == 1)
    #expect(decisions.first?.calibrationID == "cal-sim:mlx90614-7")
    #expect(decisions.first?.skinC.map { abs($0 - 35.0) < 1e-9 } == true, "raw 34.5 + the logged 0.5 °C offset")
    #expect(status.status(of: "north")?.state == .ready)
    #expect(await outlet.alerts.isEmpty)
  }

  @Test func anOutOfServiceDeviceScreensNobodyAndSaysSo() async throws {
    let outlet = RecordingOutlet()
    var (monitor, status) = monitor(outlet, calibration: record(outcome: .outOfService, due: nil))
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    for sample in passSamples(from: 1000, skinC: 34.5) { await monitor.handle(.sample(sample)) }
    #expect(await outlet.decisions.isEmpty)
    let alerts = await outlet.alerts
    #expect(alerts.count == 1)
    #expect(alerts.first?.kind == .deviceFault)
    #expect(alerts.first?.summary.contains("out of service") == true)
    #expect(status.status(of: "north")?.state == .fault)
  }

  @Test func anOverdueCalibrationRaisesCalibrationDue() async throws {
    let outlet = RecordingOutlet()
    var (monitor, _) = monitor(outlet, calibration: record(outcome: .accepted, due: 500))
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    for sample in passSamples(from: 1000, skinC: 34.5) { await monitor.handle(.sample(sample)) }
    let alerts = await outlet.alerts
    #expect(alerts.map(\.kind) == [.calibrationDue])
    #expect(await outlet.decisions.count == 1, "a due calibration still screens")
  }

  @Test func aPortThatOpensButNeverReadsIsOneFaultResolvedByTheFirstReading() async throws {
    let outlet = RecordingOutlet()
    var (monitor, status) = monitor(outlet, calibration: nil)
    let timeout = DeviceFault(kind: .timeout, message: "no reply")
    for attempt in 0..<3 {
      let time = 1000 + Double(attempt)
      await monitor.handle(.opened(device: "sim:mlx90614", at: time))
      await monitor.handle(.closed(timeout, at: time + 0.5))
    }
    #expect(await outlet.alerts.map(\.kind) == [.deviceFault])
    #expect(status.status(of: "north")?.state == .fault)
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1010))
    await monitor.handle(.sample(Sample(time: 1010.1, objectC: 21.5, ambientC: 22)))
    #expect(await outlet.resolved.map(\.0).contains(.deviceFault))
    let missing = DeviceFault(kind: .disconnected, message: "gone")
    await monitor.handle(.closed(missing, at: 1011))
    #expect(status.status(of: "north")?.state == .noDevice)
    #expect(await outlet.alerts.map(\.kind) == [.deviceFault, .deviceMissing])
  }

  @Test func aReloadWithTheSameThermometerDoesNotRestartItsWarmUp() async throws {
    var configuration = EntranceConfiguration()
    configuration.warmUp = 30
    let outlet = RecordingOutlet()
    let status = GatewayStatus(entrances: ["north"])
    var first = EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(configuration: configuration),
      outlet: outlet, status: status, personIDs: .plain, clock: .manual(at: 1000))
    await first.handle(.opened(device: "sim:mlx90614", at: 1000))
    await first.handle(.sample(Sample(time: 1040, objectC: 21.5, ambientC: 22)))
    #expect(status.status(of: "north")?.state == .ready)

    for (keeps, expected) in [(true, EntranceState.ready), (false, .warming)] {
      let board = GatewayStatus(entrances: ["north"])
      var reloaded = EntranceMonitor(
        entrance: "north", thermometer: "sim:mlx90614", pipeline: first.pipeline, outlet: outlet, status: board,
        personIDs: .plain, keepsWarmUp: keeps, clock: .manual(at: 1041))
      await reloaded.handle(.opened(device: "sim:mlx90614", at: 1041))
      await reloaded.handle(.sample(Sample(time: 1042, objectC: 21.5, ambientC: 22)))
      #expect(board.status(of: "north")?.state == expected, "keepsWarmUp: \(keeps)")
    }
  }

  @Test func aRealThermometerNeverCalibratedIsDueAndItsFirstCalibrationClosesThat() async throws {
    let outlet = RecordingOutlet()
    let status = GatewayStatus(entrances: ["north"])
    var monitor = EntranceMonitor(
      entrance: "north", thermometer: "mcp2221:serial=1", pipeline: EntrancePipeline(), outlet: outlet,
      status: status, personIDs: .plain, requiresCalibration: true, clock: .manual(at: 1000))
    await monitor.handle(.opened(device: "mcp2221:serial=1", at: 1000))
    #expect(await outlet.alerts.map(\.kind) == [.calibrationDue])
    #expect(await outlet.alerts.first?.summary.contains("never been calibrated") == true)
    await outlet.setCalibration(record(outcome: .accepted, due: 10_000_000))
    await monitor.handle(.sample(Sample(time: 1061, objectC: 21.5, ambientC: 22)))
    #expect(await outlet.resolved.contains { $0.0 == .calibrationDue })
  }
}

@Suite struct DeviceReaderTests {
  @Test func aWakeEndsTheReconnectionBackoffAtOnce() async throws {
    var settings = DeviceReader.Settings(sampleInterval: 0.1)
    settings.backoff = Backoff(initial: 60, maximum: 60)
    let (events, continuation) = AsyncStream.makeStream(of: DeviceEvent.self)
    let reader = DeviceReader()
    let attempts = Attempts()
    // Time stands still: only the wake can bring the second attempt before the minute's backoff.
    let time = ManualTime()
    let clock = GatewayClock(source: time)
    let start = clock.monotonicNow()
    reader.start(
      device: "test",
      open: { @Sendable () throws(DeviceFault) -> any Thermometer in
        attempts.count()
        throw DeviceFault(kind: .disconnected, message: "not plugged in")
      }, ambientReference: nil, settings: settings, clock: clock, events: continuation)
    defer { reader.stop() }
    var failures = 0
    for await event in events {
      guard case .openFailed = event else { continue }
      failures += 1
      if failures == 1 { reader.wake() }
      if failures == 2 { break }
    }
    #expect(clock.monotonicNow() == start)
    #expect(attempts.value == 2)
  }
}

final class Attempts: Sendable {
  private let counter = Mutex(0)
  func count() { counter.withLock { $0 += 1 } }
  var value: Int { counter.withLock { $0 } }
}

extension GatewayClock {
  /// A clock that reads `time` (monotonic and wall alike) until a test moves it.
  static func manual(at time: Double) -> GatewayClock {
    GatewayClock(source: ManualTime(wall: time))
  }
}
