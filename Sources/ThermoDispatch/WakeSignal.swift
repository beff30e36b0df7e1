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
    // Only a timer that ran its course may signal: a cancelled one (the wait ended early) must
    // not leave a pending signal behind, or every later wait would return at once.
    let timer = Task { [self] in
      do {
        try await Task.sleep(for: timeout)
        signal()
      } catch {}
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
