import Synchronization

/// One submitted relay command, to wait for.
final class RelayCommand: Sendable {
  private let state = Mutex<(result: Result<Void, any Error>?, waiter: CheckedContinuation<Void, any Error>?)>(
    (nil, nil))

  func finish(_ result: Result<Void, any Error>) {
    let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
      state.result = result
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume(with: result)
  }

  func wait() async throws {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      let result = state.withLock { state -> Result<Void, any Error>? in
        if let result = state.result { return result }
        state.waiter = continuation
        return nil
      }
      if let result { continuation.resume(with: result) }
    }
  }
}
