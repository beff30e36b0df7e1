import Dispatch

/// The threads the store's blocking work runs on. A commit with `synchronous=FULL` waits for the
/// disk; a write waits for another connection's lock. Neither may hold a thread of Swift's
/// cooperative pool (two of them on a 2-core gate box): writes queue on one writer thread in the
/// order they were asked for, reads run beside them (WAL readers never wait for the writer).
final class StoreThreads: Sendable {
  let writer = DispatchQueue(label: "thermogate.store.writer", qos: .userInitiated)
  let readers = DispatchQueue(label: "thermogate.store.readers", qos: .userInitiated, attributes: .concurrent)
  /// Marks the store's own threads, so a test can see where a body ran.
  static let role = DispatchSpecificKey<String>()

  init() {
    writer.setSpecific(key: Self.role, value: "writer")
    readers.setSpecific(key: Self.role, value: "reader")
  }

  /// "writer" or "reader" on the store's threads, nil anywhere else.
  static var currentRole: String? { DispatchQueue.getSpecific(key: role) }

  func run<T: Sendable>(
    on queue: DispatchQueue, _ body: @escaping @Sendable () throws(StoreError) -> T
  ) async throws(StoreError) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, StoreError>, Never>) in
      queue.async {
        do throws(StoreError) {
          continuation.resume(returning: .success(try body()))
        } catch {
          continuation.resume(returning: .failure(error))
        }
      }
    }
    return try result.get()
  }
}

extension AlertStore {
  /// Runs a write (or anything that may write) on the store's writer thread.
  public func writing<T: Sendable>(_ body: @escaping @Sendable (AlertStore) throws(StoreError) -> T)
    async throws(StoreError) -> T
  {
    try await threads.run(on: threads.writer) { () throws(StoreError) -> T in try body(self) }
  }

  /// Runs a read on the store's reader threads: it waits for no writer.
  public func reading<T: Sendable>(_ body: @escaping @Sendable (AlertStore) throws(StoreError) -> T)
    async throws(StoreError) -> T
  {
    try await threads.run(on: threads.readers) { () throws(StoreError) -> T in try body(self) }
  }
}
