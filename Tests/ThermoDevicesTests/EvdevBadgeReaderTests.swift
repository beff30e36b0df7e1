import Glibc
import Testing

@testable import ThermoDevices

/// The reader's own paths that need no /dev/input: open and grab failures, closing, timeouts, and
/// the descriptor handling, over a pipe.
@Suite struct EvdevBadgeReaderTests {
  func makePipe() throws -> (read: Int32, write: Int32) {
    var ends: [Int32] = [-1, -1]
    try #require(pipe(&ends) == 0)
    return (ends[0], ends[1])
  }

  /// Whether the read end of a pipe is gone, seen from its write end (POLLERR), which stays
  /// ours: checking the closed descriptor number itself would race with other tests reusing it.
  func readEndIsClosed(writeEnd: Int32) -> Bool {
    var poller = pollfd(fd: writeEnd, events: Int16(POLLOUT), revents: 0)
    return poll(&poller, 1, 0) == 1 && poller.revents & Int16(POLLERR) != 0
  }

  @Test func aMissingNodeFailsToOpenNamingPathAndErrno() {
    let path = "/dev/input/thermogate-no-such-event"
    #expect(throws: EvdevBadgeReader.Failure.openFailed(path: path, errno: ENOENT)) {
      try EvdevBadgeReader(path: path)
    }
    let message = EvdevBadgeReader.Failure.openFailed(path: path, errno: ENOENT).description
    #expect(message.contains(path) && message.contains("errno 2"))
  }

  /// EVIOCGRAB on something that is not an event node fails; the reader must then not leak the
  /// descriptor it was handed.
  @Test func aFailedGrabIsTypedAndClosesTheDescriptor() throws {
    let ends = try makePipe()
    defer { close(ends.write) }
    #expect(throws: EvdevBadgeReader.Failure.grabFailed(path: "pipe", errno: ENOTTY)) {
      try EvdevBadgeReader(adopting: ends.read, name: "pipe", grab: true)
    }
    #expect(readEndIsClosed(writeEnd: ends.write))
    #expect(
      EvdevBadgeReader.Failure.grabFailed(path: "/dev/input/event3", errno: EBUSY).description.hasSuffix(
        "another process holds it"))
  }

  @Test func closingAndDeinitCloseTheDescriptor() throws {
    let first = try makePipe()
    defer { close(first.write) }
    let reader = try EvdevBadgeReader(adopting: first.read, name: "pipe", grab: false)
    #expect(reader.isOpen && !readEndIsClosed(writeEnd: first.write))
    reader.close()
    reader.close()
    #expect(!reader.isOpen && readEndIsClosed(writeEnd: first.write))
    #expect(throws: EvdevBadgeReader.Failure.closed(path: "pipe")) { try reader.readEvents(timeout: .zero) }

    let second = try makePipe()
    defer { close(second.write) }
    do { _ = try EvdevBadgeReader(adopting: second.read, name: "pipe", grab: false) }
    #expect(readEndIsClosed(writeEnd: second.write))
  }

  @Test func aQuietReaderTimesOutWithNoEvents() throws {
    let ends = try makePipe()
    defer { close(ends.write) }
    let reader = try EvdevBadgeReader(adopting: ends.read, name: "pipe", grab: false)
    #expect(try reader.readEvents(timeout: .milliseconds(20)).isEmpty)
  }

  @Test func anEventSplitAcrossWritesIsReassembled() throws {
    let ends = try makePipe()
    let reader = try EvdevBadgeReader(adopting: ends.read, name: "pipe", grab: false)
    // KEY_5 press at 1 s 0 µs, little-endian, in two pieces.
    let event: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 6, 0, 1, 0, 0, 0]
    _ = event.prefix(10).withUnsafeBytes { write(ends.write, $0.baseAddress, $0.count) }
    #expect(try reader.readEvents(timeout: .milliseconds(100)).isEmpty)
    _ = event.dropFirst(10).withUnsafeBytes { write(ends.write, $0.baseAddress, $0.count) }
    let keys = try reader.readKeys(timeout: .milliseconds(100))
    #expect(keys.map(\.key) == [.character("5")])
    #expect(keys.map(\.time) == [1.0])
    close(ends.write)
    #expect(throws: EvdevBadgeReader.Failure.disconnected(path: "pipe")) {
      try reader.readEvents(timeout: .milliseconds(100))
    }
  }

  @Test(arguments: [
    (Duration.zero, Int32(0)), (.milliseconds(250), 250), (.microseconds(1), 1), (.seconds(-3), 0),
    (.seconds(Int64.max / 2), Int32.max),
  ])
  func pollTimeoutsRoundUpToMilliseconds(duration: Duration, milliseconds: Int32) {
    #expect(duration.pollMilliseconds == milliseconds)
  }
}
