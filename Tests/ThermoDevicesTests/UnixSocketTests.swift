import Foundation
import Synchronization
import SystemPackage
import Testing
import ThermoDevices

#if canImport(Glibc)
  import Glibc
#endif

/// The one `sockaddr_un` builder and the socket calls over it, on real sockets.
@Suite struct UnixSocketTests {
  func temporaryPath() -> String {
    NSTemporaryDirectory() + "thermogate-\(UUID().uuidString.prefix(8)).sock"
  }

  @Test func addressesKeepToWhatSunPathHolds() throws {
    #expect(UnixSocketAddress.capacity == 108)
    #expect(try UnixSocketAddress("/" + String(repeating: "a", count: 106)).path.utf8.count == 107)
    #expect(throws: UnixSocketAddressError.tooLong(path: "/" + String(repeating: "a", count: 107), limit: 107)) {
      try UnixSocketAddress("/" + String(repeating: "a", count: 107))
    }
    #expect(try UnixSocketAddress("@" + String(repeating: "a", count: 107)).isAbstract)
    #expect(throws: UnixSocketAddressError.tooLong(path: "@" + String(repeating: "a", count: 108), limit: 107)) {
      try UnixSocketAddress("@" + String(repeating: "a", count: 108))
    }
    #expect(throws: UnixSocketAddressError.empty) { try UnixSocketAddress("") }
    #expect(throws: UnixSocketAddressError.containsNUL(path: "/tmp/a\0b")) { try UnixSocketAddress("/tmp/a\0b") }
    #expect(try !UnixSocketAddress("/run/systemd/notify").isAbstract)
  }

  @Test(arguments: [false, true])
  func aDatagramArrivesWhole(abstract: Bool) throws {
    let path = abstract ? "@thermogate-test-\(UUID().uuidString.prefix(8))" : temporaryPath()
    let address = try UnixSocketAddress(path)
    let receiver = try UnixSocket.open(.datagram)
    defer {
      try? receiver.close()
      if !abstract { unlink(path) }
    }
    try receiver.bind(to: address)
    let sender = try UnixSocket.open(.datagram)
    defer { try? sender.close() }

    #expect(try sender.send(Array("READY=1".utf8), to: address) == 7)
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = try receiver.receive(into: &buffer, nonBlocking: true)
    #expect(Array(buffer.prefix(count)) == Array("READY=1".utf8))
    #expect(throws: Errno.resourceTemporarilyUnavailable) { try receiver.receive(into: &buffer, nonBlocking: true) }
  }

  @Test func aStreamConnectsSendsAndSeesTheHangUp() throws {
    let path = temporaryPath()
    let address = try UnixSocketAddress(path)
    #expect(throws: Errno.noSuchFileOrDirectory) { try UnixSocket.connect(to: address) }

    let listener = try UnixSocket.open(.stream)
    defer {
      try? listener.close()
      unlink(path)
    }
    try listener.bind(to: address)
    #expect(throws: Errno.connectionRefused, "bound but not listening") { try UnixSocket.connect(to: address) }
    try #require(listen(listener.descriptor.rawValue, 1) == 0)

    let client = try UnixSocket.connect(to: address)
    defer { try? client.close() }
    let accepted = accept(listener.descriptor.rawValue, nil, nil)
    try #require(accepted >= 0)
    let server = UnixSocket(adopting: FileDescriptor(rawValue: accepted))

    // More than the socket buffer holds, so sendAll takes several sends.
    let payload = [UInt8](repeating: 7, count: 1_000_000)
    let received = Mutex(0)
    let reader = Thread {
      var buffer = [UInt8](repeating: 0, count: 65_536)
      while received.withLock({ $0 }) < payload.count, let count = try? server.receive(into: &buffer), count > 0 {
        received.withLock { $0 += count }
      }
      try? server.close()
    }
    reader.start()
    try client.sendAll(payload)
    // The peer read everything and left: end of file, then a broken pipe as an error rather
    // than a SIGPIPE that ends the process.
    var buffer = [UInt8](repeating: 0, count: 16)
    #expect(try client.receive(into: &buffer) == 0)
    #expect(received.withLock { $0 } == payload.count)
    #expect(throws: Errno.brokenPipe) { try client.sendAll([1]) }
  }

  /// What USBRedirLink.stop relies on: a shutdown from another thread ends a blocked receive.
  @Test func aShutdownEndsABlockedReceive() throws {
    let path = temporaryPath()
    let listener = try UnixSocket.open(.stream)
    defer {
      try? listener.close()
      unlink(path)
    }
    try listener.bind(to: UnixSocketAddress(path))
    try #require(listen(listener.descriptor.rawValue, 1) == 0)
    let client = try UnixSocket.connect(to: UnixSocketAddress(path))
    defer { try? client.close() }

    let ended = DispatchSemaphore(value: 0)
    let reader = Thread {
      var buffer = [UInt8](repeating: 0, count: 16)
      if (try? client.receive(into: &buffer)) == 0 { ended.signal() }
    }
    reader.start()
    #expect(ended.wait(timeout: .now() + 0.1) == .timedOut, "nothing was sent")
    try client.shutdown()
    #expect(ended.wait(timeout: .now() + 5) == .success)
  }
}
