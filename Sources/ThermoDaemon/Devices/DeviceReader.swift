import Foundation
import Logging
import Synchronization
import ThermoCore
import ThermoDevices

/// One entrance's device I/O on a thread of its own: driver calls block (a USB transfer or a
/// serial read waits up to its timeout), and a stalled device must not hold up any other
/// entrance or the async runtime. It opens the thermometer, samples it on a fixed period,
/// reopens with backoff after a failure, and reports everything as `DeviceEvent`s.
public final class DeviceReader: Sendable {
  public struct Settings: Sendable {
    /// Gateway seconds between samples (monotonic).
    public var sampleInterval: Double
    /// Failed reads in a row after which the device is closed and reopened.
    public var failuresBeforeReopen = 5
    public var backoff = Backoff(initial: 0.5, maximum: 8)
    /// How often the ambient reference is read (gateway seconds).
    public var ambientInterval = 1.0

    public init(sampleInterval: Double) {
      self.sampleInterval = sampleInterval
    }
  }

  public typealias Opener = @Sendable () throws(DeviceFault) -> any Thermometer

  private let stopRequested = Atomic<Bool>(false)
  private let dropped = Atomic<Int>(0)
  private let wakeRequested = Atomic<Bool>(false)

  /// Ends a reconnection backoff now: udev reports a device arriving, which may be this one.
  public func wake() { wakeRequested.store(true, ordering: .relaxed) }

  /// Hands an event to the monitor. When the monitor falls far behind (a store that stalls on
  /// its disk), the oldest events give way; that is logged, never silent.
  private func send(_ events: AsyncStream<DeviceEvent>.Continuation, _ event: DeviceEvent) {
    if case .dropped = events.yield(event) {
      let count = dropped.add(1, ordering: .relaxed).newValue
      if count == 1 || count % 1000 == 0 {
        Logger(label: "thermogate.device").error(
          "the entrance is not keeping up with its device: \(count) event(s) dropped (is the database stalled?)")
      }
    }
  }

  public init() {}

  /// Starts the thread; events go to `events` until `stop()`.
  public func start(
    device: String, open: @escaping Opener, ambientReference: (name: String, open: Opener)?,
    settings: Settings, clock: GatewayClock, events: AsyncStream<DeviceEvent>.Continuation
  ) {
    let thread = Thread { [self] in
      run(
        device: device, open: open, ambientReference: ambientReference, settings: settings, clock: clock, events: events
      )
    }
    thread.name = "thermogate-device"
    thread.start()
  }

  public func stop() { stopRequested.store(true, ordering: .relaxed) }
  public var isStopped: Bool { stopRequested.load(ordering: .relaxed) }

  private func run(
    device: String, open: Opener, ambientReference: (name: String, open: Opener)?, settings: Settings,
    clock: GatewayClock, events: AsyncStream<DeviceEvent>.Continuation
  ) {
    var backoff = settings.backoff
    var reference = AmbientReference(source: ambientReference)
    while !isStopped {
      let thermometer: any Thermometer
      do {
        thermometer = try open()
      } catch {
        send(events, .openFailed(error, at: clock.monotonicNow()))
        wait(gatewaySeconds: backoff.next(), clock: clock, ticking: events)
        continue
      }
      backoff.reset()
      send(events, .opened(device: device, at: clock.monotonicNow()))
      sample(thermometer, reference: &reference, settings: settings, clock: clock, events: events)
    }
    events.finish()
  }

  /// Samples until the device fails for good or the reader is stopped; the thermometer (and its
  /// descriptor or USB handle) is released when this returns.
  private func sample(
    _ opened: any Thermometer, reference: inout AmbientReference, settings: Settings, clock: GatewayClock,
    events: AsyncStream<DeviceEvent>.Continuation
  ) {
    var thermometer = opened
    var failures = 0
    var nextTick = clock.monotonicNow()
    while !isStopped {
      let time = clock.monotonicNow()
      do {
        var sample = try thermometer.sample(at: time)
        if let ambient = reference.ambient(at: time, interval: settings.ambientInterval, events: events) {
          sample.ambientC = ambient
        }
        failures = 0
        send(events, .sample(sample))
      } catch {
        failures += 1
        if error.kind == .disconnected || error.kind == .access || failures >= settings.failuresBeforeReopen {
          send(events, .closed(error, at: time))
          return
        }
        send(events, .readFailed(error, at: time))
      }
      nextTick += settings.sampleInterval
      let now = clock.monotonicNow()
      if nextTick < now { nextTick = now }  // fell behind (a slow read): do not burst to catch up
      pause(until: nextTick, clock: clock)
    }
  }

  /// Waits out a backoff in short steps, so `stop()` is seen quickly and time keeps moving for
  /// the entrance's re-check windows.
  private func wait(gatewaySeconds: Double, clock: GatewayClock, ticking events: AsyncStream<DeviceEvent>.Continuation)
  {
    let end = clock.monotonicNow() + gatewaySeconds
    while !isStopped {
      let now = clock.monotonicNow()
      guard now < end, !wakeRequested.exchange(false, ordering: .relaxed) else { return }
      send(events, .tick(now))
      clock.sleep(untilMonotonic: min(end, now + 0.1), atMost: .milliseconds(100))
    }
  }

  /// Sleeps until the monotonic `deadline`, looking for a stop request at least every 100 ms.
  private func pause(until deadline: Seconds, clock: GatewayClock) {
    while !isStopped, clock.monotonicNow() < deadline {
      clock.sleep(untilMonotonic: deadline, atMost: .milliseconds(100))
    }
  }
}

/// The room temperature from a second sensor: read at most once per interval, reopened after a
/// failure; while it is away the thermometer's own ambient reading stands in.
struct AmbientReference {
  let source: (name: String, open: DeviceReader.Opener)?
  private var device: (any Thermometer)?
  private var lastRead = -Double.infinity
  private var lastValue: Celsius?
  private var failing = false

  init(source: (name: String, open: DeviceReader.Opener)?) {
    self.source = source
  }

  mutating func ambient(at time: Seconds, interval: Double, events: AsyncStream<DeviceEvent>.Continuation)
    -> Celsius?
  {
    guard let source else { return nil }
    guard time - lastRead >= interval else { return lastValue }
    lastRead = time
    do {
      if device == nil { device = try source.open() }
      if var opened = device {
        let reading = try opened.sample(at: time)
        device = opened
        lastValue = reading.ambientC
        if failing {
          failing = false
          events.yield(.auxiliary(source.name, nil, at: time))
        }
      }
    } catch {
      device = nil
      lastValue = nil
      if !failing {
        failing = true
        events.yield(.auxiliary(source.name, error, at: time))
      }
    }
    return lastValue
  }
}
