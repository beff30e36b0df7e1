import Synchronization

/// Wakes a waiting worker early: a new alert for its sink, an escalation. A signal sent while
/// nobody waits is kept for the next wait, so none is lost; an extra one only costs a loop.
final class WakeSignal: Sendable {
  private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

  func signal() {
    let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
      guard let waiter = state.waiter else {
        state.pending = true
        return nil
      }
      state.waiter = nil
      return waiter
    }
    waiter?.resume()
  }

  /// Returns on a signal or after `timeout`, whichever comes first.
  func wait(timeout: Duration) async {
    let timer = Task { [self] in
      try? await Task.sleep(for: timeout)
      signal()
    }
    await withCheckedContinuation { continuation in
      let resumeNow = state.withLock { state -> Bool in
        if state.pending {
          state.pending = false
          return true
        }
        state.waiter = continuation
        return false
      }
      if resumeNow { continuation.resume() }
    }
    timer.cancel()
  }
}
