import Foundation
import GRDB
import Testing

@testable import ThermoStore

/// The store's blocking work runs on its own threads, never on the task that asked for it.
@Suite(.timeLimit(.minutes(1))) struct StoreThreadsTests {
  @Test func writesRunOnTheWriterThreadAndReadsOnTheReaderThreads() async throws {
    let store = try AlertStore(path: temporaryDatabase())
    #expect(StoreThreads.currentRole == nil)
    let writer = try await store.writing { _ in StoreThreads.currentRole }
    let reader = try await store.reading { _ in StoreThreads.currentRole }
    #expect(writer == "writer")
    #expect(reader == "reader")
  }

  @Test func aReadDoesNotWaitForAWriteHeldUpByAnotherConnection() async throws {
    let path = temporaryDatabase()
    let store = try AlertStore(path: path)
    var unsafe = Configuration()
    unsafe.allowsUnsafeTransactions = true
    let other = try DatabaseQueue(path: path, configuration: unsafe)
    try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
    // A write waits for the other connection's lock (its busy timeout is 5 s)…
    let (started, writerBusy) = AsyncStream.makeStream(of: Void.self)
    let write = Task {
      try await store.writing { store throws(StoreError) in
        writerBusy.yield()
        return try store.addSilence(
          Silence(entrance: "north", reason: "test", createdBy: "t", startsAt: 0, endsAt: 10))
      }
    }
    var writerStarted = started.makeAsyncIterator()
    _ = await writerStarted.next()
    // …while a read answers: it runs beside the writer, not behind it.
    let silences = try await store.reading { store throws(StoreError) in try store.silences(activeAt: 5) }
    #expect(silences.isEmpty)
    try await other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
    _ = try await write.value
    #expect(try await store.reading { store throws(StoreError) in try store.silences(activeAt: 5) }.count == 1)
  }
}
