import Foundation
import Synchronization

/// Time that moves only when a test moves it: `advance(by:)` moves both clocks (and wakes the
/// sleepers whose deadline it passes), `stepWall(by:)` moves the wall clock alone, as NTP or a
/// technician does. Device threads sleeping on it wake as soon as time reaches their deadline.
public final class ManualTime: TimeSource {
  private struct State {
    var monotonic: Double
    var wall: Double
    var sleepers: [(id: Int, deadline: Double, continuation: CheckedContinuation<Void, any Error>)] = []
    var nextSleeper = 0
    /// Sleepers cancelled before they began to wait.
    var cancelled: Set<Int> = []
  }

  private let state: Mutex<State>
  /// Wakes threads blocked in `sleep(untilMonotonic:atMost:)` when time moves.
  private let moved = NSCondition()

  public init(wall: Double = 1_800_000_000) {
    state = Mutex(State(monotonic: 1000, wall: wall))
  }

  public func monotonic() -> Double { state.withLock { $0.monotonic } }
  public func wall() -> Double { state.withLock { $0.wall } }

  public func advance(by seconds: Double) {
    let due = state.withLock { state in
      state.monotonic += seconds
      state.wall += seconds
      let now = state.monotonic
      let due = state.sleepers.filter { $0.deadline <= now }.map(\.continuation)
      state.sleepers.removeAll { $0.deadline <= now }
      return due
    }
    moved.lock()
    moved.broadcast()
    moved.unlock()
    for continuation in due { continuation.resume() }
  }

  /// Sets the wall clock forward (positive) or back (negative); monotonic time does not move.
  public func stepWall(by seconds: Double) {
    state.withLock { $0.wall += seconds }
  }

  public func sleep(untilMonotonic deadline: Double, atMost limit: Duration) {
    let giveUp = Date().addingTimeInterval(limit.seconds)
    moved.lock()
    defer { moved.unlock() }
    while monotonic() < deadline, moved.wait(until: giveUp) {}
  }

  public func sleep(untilMonotonic deadline: Double) async throws {
    let id = state.withLock { state in
      state.nextSleeper += 1
      return state.nextSleeper
    }
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        let resumeNow = state.withLock { state in
          if state.monotonic >= deadline || state.cancelled.contains(id) { return true }
          state.sleepers.append((id, deadline, continuation))
          return false
        }
        if resumeNow { continuation.resume() }
      }
    } onCancel: {
      let sleeper = state.withLock { state -> CheckedContinuation<Void, any Error>? in
        state.cancelled.insert(id)
        guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
        return state.sleepers.remove(at: index).continuation
      }
      sleeper?.resume(throwing: CancellationError())
    }
    try Task.checkCancellation()
  }
}
