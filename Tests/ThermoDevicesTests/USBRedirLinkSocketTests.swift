import Foundation
import SystemPackage
import Testing
import ThermoDevices
import ThermoSimulation

#if canImport(Glibc)
  import Glibc
#endif

/// USBRedirLink's socket side over `UnixSocket`, with this test playing QEMU's listening chardev.
@Suite struct USBRedirLinkSocketTests {
  func makeDevice() -> USBRedirDevice {
    USBRedirDevice(layout: .mcp2221a(serial: "X1"), function: .interrupt(MCP2221Model(sensor: nil)))
  }

  @Test func theLinkSendsItsHelloAndStopEndsServing() throws {
    let path = NSTemporaryDirectory() + "usbredir-\(UUID().uuidString.prefix(8)).sock"
    let listener = try UnixSocket.open(.stream)
    defer {
      try? listener.close()
      unlink(path)
    }
    try listener.bind(to: UnixSocketAddress(path))
    try #require(listen(listener.descriptor.rawValue, 1) == 0)

    let link = USBRedirLink(device: makeDevice())
    try link.connect(path: path, timeout: 2)
    let accepted = accept(listener.descriptor.rawValue, nil, nil)
    try #require(accepted >= 0)
    let qemu = UnixSocket(adopting: FileDescriptor(rawValue: accepted))
    defer { try? qemu.close() }
    let hello = makeDevice().hello()
    var buffer = [UInt8](repeating: 0, count: 4_096)
    var received: [UInt8] = []
    while received.count < hello.count {
      let count = try qemu.receive(into: &buffer)
      try #require(count > 0)
      received += buffer[..<count]
    }
    #expect(received == hello)

    let served = DispatchSemaphore(value: 0)
    let server = Thread {
      try? link.serve()
      served.signal()
    }
    server.start()
    #expect(served.wait(timeout: .now() + 0.1) == .timedOut, "serving while QEMU is there")
    link.stop()
    #expect(served.wait(timeout: .now() + 5) == .success)
    #expect(try qemu.receive(into: &buffer) == 0, "unplugged: the link closed its end")
  }

  @Test func aMissingSocketIsWaitedForThenReported() throws {
    let path = NSTemporaryDirectory() + "usbredir-missing-\(UUID().uuidString.prefix(8)).sock"
    let start = ContinuousClock.now
    #expect {
      try USBRedirLink(device: makeDevice()).connect(path: path, timeout: 0.2)
    } throws: { error in
      guard case .system(let what, let code) = error as? USBRedirLinkError else { return false }
      return what == "connect to \(path)" && code == ENOENT
    }
    #expect(ContinuousClock.now - start >= .milliseconds(200))

    let long = "/tmp/" + String(repeating: "x", count: 200)
    #expect {
      try USBRedirLink(device: makeDevice()).connect(path: long, timeout: 0.2)
    } throws: { error in
      guard case .pathTooLong(let path) = error as? USBRedirLinkError else { return false }
      return path == long
    }
  }
}
