import Synchronization
import Testing
import ThermoCore
import ThermoDaemon
import ThermoDevices

/// NTP (or a technician) steps the wall clock by ±10 minutes while the entrance screens: sampling
/// goes on at its rate and no warm-up, re-check window or tick moves; only the stamps on records
/// follow the wall clock.
@Suite(.timeLimit(.minutes(1))) struct WallClockStepTests {
  /// A thermometer that reads the empty entrance whenever asked.
  struct EmptyEntrance: Thermometer {
    mutating func sample(at time: Seconds) throws(DeviceFault) -> Sample {
      Sample(time: time, objectC: 21.5, ambientC: 22)
    }
  }

  @Test func samplingGoesOnAtItsRateWhenTheWallClockStepsBackOrForward() async throws {
    let time = ManualTime()
    let clock = GatewayClock(source: time)
    let (events, continuation) = AsyncStream.makeStream(of: DeviceEvent.self)
    let reader = DeviceReader()
    reader.start(
      device: "test", open: { @Sendable () throws(DeviceFault) -> any Thermometer in EmptyEntrance() },
      ambientReference: nil, settings: DeviceReader.Settings(sampleInterval: 0.1), clock: clock, events: continuation)
    defer { reader.stop() }

    var sampleTimes: [Seconds] = []
    var iterator = events.makeAsyncIterator()
    while sampleTimes.count < 30, let event = await iterator.next() {
      guard case .sample(let sample) = event else { continue }
      sampleTimes.append(sample.time)
      // The reader waits for its next tick on the monotonic clock: one sample per tick moved.
      if sampleTimes.count == 10 { time.stepWall(by: -600) }
      if sampleTimes.count == 20 { time.stepWall(by: +600) }
      time.advance(by: 0.1)
    }
    #expect(sampleTimes.count == 30)
    let steps = zip(sampleTimes.dropFirst(), sampleTimes).map { $0 - $1 }
    #expect(steps.allSatisfy { abs($0 - 0.1) < 1e-6 }, "\(steps)")
  }

  @Test func noWarmUpOrRecheckDeadlineMovesWithTheWallClock() async throws {
    let time = ManualTime(wall: 2_000_000_000)
    let clock = GatewayClock(source: time)
    let outlet = RecordingOutlet()
    let status = GatewayStatus(entrances: ["north"])
    var configuration = EntranceConfiguration()
    configuration.warmUp = 30
    var monitor = EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(configuration: configuration),
      outlet: outlet, status: status, personIDs: .plain, clock: clock)
    let start = clock.monotonicNow()
    await monitor.handle(.opened(device: "sim:mlx90614", at: start))

    // Ten minutes forward on the wall: the thermometer is still warming up (monotonic 10 s).
    time.stepWall(by: 600)
    time.advance(by: 10)
    await monitor.handle(.tick(clock.monotonicNow()))
    #expect(status.status(of: "north")?.state == .warming)
    time.advance(by: 21)
    await monitor.handle(.tick(clock.monotonicNow()))
    #expect(status.status(of: "north")?.state == .ready)

    // An elevated person opens a re-check window of 600 s on the monotonic clock.
    let personAt = clock.monotonicNow()
    await monitor.handle(.badge("W-7", at: personAt))
    for index in 0..<60 {
      let present = index >= 5 && index < 40
      let sample = Sample(time: personAt + Double(index) * 0.1, objectC: present ? 36.4 : 21.5, ambientC: 22)
      await monitor.handle(.sample(sample))
    }
    time.advance(by: 6)
    let window = try #require(monitor.pipeline.openRecheckWindows.first)
    #expect(window.deadline - window.openedAt == 600)
    let shownBefore = try #require(status.status(of: "north")?.rechecks.first?.deadline)

    // Ten minutes back on the wall: the window's deadline stays where it was…
    time.stepWall(by: -600)
    await monitor.handle(.tick(clock.monotonicNow()))
    #expect(monitor.pipeline.openRecheckWindows.first?.deadline == window.deadline)
    // …and the dashboard shows it at the same moment on the wall clock as it now reads.
    let shownAfter = try #require(status.status(of: "north")?.rechecks.first?.deadline)
    #expect(abs((shownBefore - shownAfter) - 600) < 1e-6)

    // It closes when monotonic time reaches it, not before.
    time.advance(by: window.deadline - clock.monotonicNow() - 1)
    await monitor.handle(.tick(clock.monotonicNow()))
    #expect(monitor.pipeline.openRecheckWindows.count == 1)
    time.advance(by: 2)
    await monitor.handle(.tick(clock.monotonicNow()))
    #expect(monitor.pipeline.openRecheckWindows.isEmpty)

    // Records are stamped with the wall clock as it read then: ten minutes ahead of the
    // monotonic clock the window opened on.
    let decision = try #require(await outlet.decisions.first { $0.recheck?.role == .opened })
    #expect(abs(decision.time - (window.openedAt + 600)) < 1e-6, "\(decision.time) vs \(window.openedAt)")
  }
}
