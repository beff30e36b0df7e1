import Foundation
import Synchronization
import ThermoCore
import ThermoDevices

/// A keyboard-style badge reader's input node, read on a thread of its own: IDs go to the
/// entrance as `.badge` events; an unplugged or refused reader is reported and reopened.
public final class BadgeReaderThread: Sendable {
  private let stopRequested = Atomic<Bool>(false)

  public init() {}

  public func stop() { stopRequested.store(true, ordering: .relaxed) }

  public func start(path: String, clock: GatewayClock, events: AsyncStream<DeviceEvent>.Continuation) {
    let thread = Thread { [self] in run(path: path, clock: clock, events: events) }
    thread.name = "thermogate-badge"
    thread.start()
  }

  private func run(path: String, clock: GatewayClock, events: AsyncStream<DeviceEvent>.Continuation) {
    var backoff = Backoff(initial: 1, maximum: 10)
    var failing = false
    let name = "badge reader \(path)"
    while !stopRequested.load(ordering: .relaxed) {
      let reader: EvdevBadgeReader
      do {
        reader = try EvdevBadgeReader(path: path)
      } catch {
        if !failing {
          failing = true
          let kind: DeviceFault.Kind =
            switch error {
            case .openFailed(_, let code) where code == EACCES: .access
            case .grabFailed: .busy
            default: .disconnected
            }
          events.yield(.auxiliary(name, DeviceFault(kind: kind, message: error.description), at: clock.monotonicNow()))
        }
        let retryAt = clock.monotonicNow() + backoff.next()
        while !stopRequested.load(ordering: .relaxed), clock.monotonicNow() < retryAt {
          clock.sleep(untilMonotonic: retryAt, atMost: .milliseconds(250))
        }
        continue
      }
      backoff.reset()
      if failing {
        failing = false
        events.yield(.auxiliary(name, nil, at: clock.monotonicNow()))
      }
      var assembler = BadgeAssembler()
      while !stopRequested.load(ordering: .relaxed) {
        let keys: [(key: BadgeKey, time: Seconds)]
        do {
          keys = try reader.readKeys(timeout: .milliseconds(250))
        } catch {
          failing = true
          events.yield(
            .auxiliary(name, DeviceFault(kind: .disconnected, message: error.description), at: clock.monotonicNow()))
          break
        }
        // The assembler's gaps and timeouts run on the gateway's monotonic time: each key is
        // placed there by its age on the kernel clock that stamped it.
        let now = clock.monotonicNow()
        var outputs = keys.compactMap { assembler.accept($0.key, at: now - reader.age(ofEventAt: $0.time)) }
        if keys.isEmpty, let expired = assembler.expire(at: now) { outputs.append(expired) }
        for output in outputs {
          switch output {
          case .badge(let id): events.yield(.badge(id, at: clock.monotonicNow()))
          case .rejected(let why): events.yield(.badgeUnreadable(why, at: clock.monotonicNow()))
          }
        }
      }
      reader.close()
    }
  }
}
