import Foundation
import Synchronization
import SystemPackage
import Testing

@testable import ThermoDevices

#if canImport(Glibc)
  import Glibc
#endif

/// Counts SIGUSR2 deliveries; touched from the signal handler, so atomic.
private let interruptions = Atomic<Int>(0)

/// The one poll(2) wrapper, over pipes; the kernel's EINTR is played by a fake where the timing
/// has to be exact, and delivered for real once.
@Suite(.serialized) struct PollTests {
  func withPipe<Result>(_ body: (_ read: FileDescriptor, _ write: FileDescriptor) throws -> Result) throws -> Result {
    let (read, write) = try FileDescriptor.pipe()
    defer {
      try? read.close()
      try? write.close()
    }
    return try body(read, write)
  }

  @Test func anExpiredDeadlineIsANonBlockingCheck() throws {
    try withPipe { read, _ throws in
      let start = ContinuousClock.now
      #expect(try Poll.wait(read, for: .readable, until: start - .seconds(1)) == .timedOut)
      #expect(try Poll.wait(read, for: .readable, until: start - .milliseconds(5)) == .timedOut)
      #expect(try Poll.wait(read, for: .readable, timeout: .milliseconds(-5)) == .timedOut)
      #expect(ContinuousClock.now - start < .milliseconds(100), "returned at once, never waited forever")
    }
  }

  @Test func aQuietPipeTimesOutAfterTheTimeout() throws {
    try withPipe { read, _ throws in
      let start = ContinuousClock.now
      #expect(try Poll.wait(read, for: .readable, timeout: .milliseconds(30)) == .timedOut)
      #expect(ContinuousClock.now - start >= .milliseconds(30))
    }
  }

  @Test func dataAndHangUpAreReported() throws {
    try withPipe { read, write throws in
      _ = try write.writeAll([1, 2, 3])
      #expect(try Poll.wait(read, for: .readable, timeout: .seconds(1)) == .ready(.readable))
      #expect(try Poll.wait(write, for: .writable, timeout: .zero) == .ready(.writable))
    }
    let (read, write) = try FileDescriptor.pipe()
    defer { try? read.close() }
    try write.close()
    guard case .ready(let events) = try Poll.wait(read, for: .readable, timeout: .seconds(1)) else {
      Issue.record("a closed writer is reported")
      return
    }
    #expect(events.contains(.hangUp))
  }

  @Test func severalDescriptorsReportInRequestOrder() throws {
    try withPipe { quietRead, _ throws in
      try withPipe { busyRead, busyWrite throws in
        let requests = [Poll.Request(quietRead, for: .readable), Poll.Request(busyRead, for: .readable)]
        #expect(try Poll.wait(requests, timeout: .milliseconds(10)) == nil)
        _ = try busyWrite.writeAll([42])
        #expect(try Poll.wait(requests, timeout: .seconds(1)) == [[], .readable])
      }
    }
  }

  /// A fake kernel and clock: EINTR after 30 ms of a 100 ms wait polls again for the 70 ms left,
  /// not for the full 100 again.
  @Test func anInterruptedWaitGoesOnWithTheTimeLeft() throws {
    let start = ContinuousClock.now
    var now = start
    var timeouts: [Int32] = []
    let outcome = try Poll.wait(
      [Poll.Request(FileDescriptor(rawValue: 0), for: .readable)], until: start + .milliseconds(100), now: { now },
      kernel: { _, milliseconds in
        timeouts.append(milliseconds)
        now += .milliseconds(timeouts.count == 1 ? 30 : 70)
        return timeouts.count == 1 ? (-1, EINTR) : (0, 0)
      })
    #expect(outcome == nil)
    #expect(timeouts == [100, 70])
  }

  /// A signal that lands after the deadline passed polls once more with 0, never with a
  /// negative (infinite) timeout.
  @Test func anInterruptionPastTheDeadlinePollsWithZero() throws {
    let start = ContinuousClock.now
    var now = start
    var timeouts: [Int32] = []
    let outcome = try Poll.wait(
      [Poll.Request(FileDescriptor(rawValue: 0), for: .readable)], until: start + .milliseconds(10), now: { now },
      kernel: { table, milliseconds in
        timeouts.append(milliseconds)
        now += .milliseconds(15)
        guard timeouts.count > 1 else { return (-1, EINTR) }
        table[0].revents = Int16(POLLIN)
        return (1, 0)
      })
    #expect(outcome == [.readable])
    #expect(timeouts == [10, 0])
  }

  @Test func otherFailuresAreThrownAsErrno() {
    #expect(throws: Errno.noMemory) {
      try Poll.wait(
        [Poll.Request(FileDescriptor(rawValue: 0), for: .readable)], until: .now + .seconds(1), now: { .now },
        kernel: { _, _ in (-1, ENOMEM) })
    }
  }

  /// A real signal, without SA_RESTART, delivered to the polling thread in the middle of a
  /// 600 ms wait: the wait is interrupted, goes on with what is left, and ends near the
  /// deadline, neither early nor 600 ms after the signal.
  @Test func aRealSignalDoesNotStretchOrCutTheWait() throws {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in interruptions.add(1, ordering: .relaxed) }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    var previous = sigaction()
    try #require(sigaction(SIGUSR2, &action, &previous) == 0)
    defer { sigaction(SIGUSR2, &previous, nil) }
    interruptions.store(0, ordering: .relaxed)

    let (read, write) = try FileDescriptor.pipe()
    defer {
      try? read.close()
      try? write.close()
    }
    let report = SignalReport()
    let done = DispatchSemaphore(value: 0)
    let poller = Thread {
      // Test runners may block signals in their threads (and new threads inherit the mask).
      var signals = sigset_t()
      sigemptyset(&signals)
      sigaddset(&signals, SIGUSR2)
      pthread_sigmask(SIG_UNBLOCK, &signals, nil)
      report.state.withLock { $0.thread = pthread_self() }
      let start = ContinuousClock.now
      var timedOut = false
      do {
        timedOut =
          try Poll.wait(
            [Poll.Request(read, for: .readable)], until: start + .milliseconds(600), now: { .now },
            kernel: { table, milliseconds in
              let result = table.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
              let code = result < 0 ? errno : 0
              report.state.withLock { $0.calls.append((milliseconds, code)) }
              return (result, code)
            }) == nil
      } catch {
        Issue.record("poll failed: \(error)")
      }
      let elapsed = ContinuousClock.now - start
      report.state.withLock { $0.elapsed = timedOut ? elapsed : nil }
      done.signal()
    }
    poller.start()
    while report.state.withLock({ $0.thread }) == nil { usleep(1_000) }
    usleep(300_000)
    let thread = try #require(report.state.withLock { $0.thread })
    #expect(pthread_kill(thread, SIGUSR2) == 0)
    #expect(done.wait(timeout: .now() + 5) == .success)

    let (calls, elapsed) = report.state.withLock { ($0.calls, $0.elapsed) }
    #expect(interruptions.load(ordering: .relaxed) == 1)
    #expect(calls.count == 2 && calls[0].errno == EINTR, "the signal interrupted the first poll")
    #expect(calls.count == 2 && calls[1].timeout < 400 && calls[1].timeout > 0, "the second poll waits what is left")
    let waited = try #require(elapsed, "timed out")
    #expect(waited >= .milliseconds(600) && waited < .milliseconds(850))
  }
}

/// What the polling thread saw, for the test thread to check.
private final class SignalReport: Sendable {
  struct State {
    var thread: pthread_t?
    var calls: [(timeout: Int32, errno: Int32)] = []
    var elapsed: Duration?
  }

  let state = Mutex(State())
}
