import SystemPackage
import Testing
import ThermoDevices

#if canImport(Glibc)
  import Glibc
#endif

/// `doctor`'s TCP check, against loopback sockets made here.
@Suite struct TCPProbeTests {
  /// A TCP socket bound to 127.0.0.1 on a port the kernel picks, listening when asked.
  func loopbackSocket(listening backlog: Int32?) throws -> (descriptor: FileDescriptor, port: Int) {
    let raw = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    try #require(raw >= 0)
    let descriptor = FileDescriptor(rawValue: raw)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(raw, pointer, length) == 0 && getsockname(raw, pointer, &length) == 0
      }
    }
    try #require(bound)
    if let backlog { try #require(listen(raw, backlog) == 0) }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
  }

  @Test func aListeningPortAccepts() throws {
    let listener = try loopbackSocket(listening: 4)
    defer { try? listener.descriptor.close() }
    try TCPProbe.connect(host: "127.0.0.1", port: listener.port, timeout: .seconds(2))
    try TCPProbe.connect(host: "localhost", port: listener.port, timeout: .seconds(2))
  }

  /// A port bound but not listening answers every SYN with a reset, and stays ours while the
  /// test runs, so no other process can start listening on it.
  @Test func aClosedPortIsRefusedNamingHostAndPort() throws {
    let closed = try loopbackSocket(listening: nil)
    defer { try? closed.descriptor.close() }
    let start = ContinuousClock.now
    #expect(throws: TCPProbeError(host: "127.0.0.1", port: closed.port, reason: .failed(.connectionRefused))) {
      try TCPProbe.connect(host: "127.0.0.1", port: closed.port, timeout: .seconds(2))
    }
    #expect(ContinuousClock.now - start < .seconds(1), "a refusal does not wait for the timeout")
    let error = TCPProbeError(host: "127.0.0.1", port: closed.port, reason: .failed(.connectionRefused))
    #expect(error.description == "127.0.0.1:\(closed.port): \(Errno.connectionRefused)")
  }

  /// A listener whose accept queue is full drops further SYNs without a reset: the probe's own
  /// timeout ends the wait, on loopback, with no firewall needed.
  @Test func aSilentPortIsNoAnswerWithinTheTimeout() throws {
    let listener = try loopbackSocket(listening: 0)
    defer { try? listener.descriptor.close() }
    for _ in 0..<3 {
      // Connections the listener never accepts fill its queue, closed or not (with the
      // default net.ipv4.tcp_abort_on_overflow=0; with 1 the kernel would refuse instead).
      _ = try? TCPProbe.connect(host: "127.0.0.1", port: listener.port, timeout: .milliseconds(100))
    }
    let start = ContinuousClock.now
    #expect(
      throws: TCPProbeError(host: "127.0.0.1", port: listener.port, reason: .noAnswer(within: .milliseconds(300)))
    ) {
      try TCPProbe.connect(host: "127.0.0.1", port: listener.port, timeout: .milliseconds(300))
    }
    #expect(ContinuousClock.now - start >= .milliseconds(300))
  }

  @Test func descriptionsNameHostAndPort() {
    #expect(
      TCPProbeError(host: "broker", port: 1883, reason: .unresolvable("Name or service not known")).description
        == "broker:1883: cannot resolve broker: Name or service not known")
    #expect(
      TCPProbeError(host: "broker", port: 1883, reason: .noAnswer(within: .seconds(2))).description
        == "broker:1883: no answer within 2.0 seconds")
  }

  @Test func aNumericHostNeedsNoResolver() throws {
    #expect(throws: TCPProbeError.self) {
      try TCPProbe.connect(host: "127.0.0.1", port: 70_000, timeout: .milliseconds(100))
    }
  }
}
