import SystemPackage

/// A HID interface moving fixed-size reports (64 bytes for MCP2221 and CP2112). Drivers are
/// written against this, so the same driver code runs over libusb, hidraw or a simulator.
public protocol ReportTransport {
  /// Sends one OUT report.
  mutating func send(_ report: [UInt8]) throws(TransportError)
  /// The next IN report, waiting at most `timeout`.
  mutating func receive(timeout: Duration) throws(TransportError) -> [UInt8]
}

extension ReportTransport {
  /// Throws away IN reports already waiting (a late reply to an abandoned transfer), so that the
  /// next request is answered by its own reply. Bounded: a device that never stops talking is a
  /// fault for the caller's timeouts to catch.
  public mutating func discardPending() {
    for _ in 0..<64 {
      guard (try? receive(timeout: .zero)) != nil else { return }
    }
  }

  /// Sends `report` and returns the IN report that answers it (one-to-one protocols: MCP2221).
  public mutating func exchange(_ report: [UInt8], timeout: Duration) throws(TransportError) -> [UInt8] {
    try send(report)
    return try receive(timeout: timeout)
  }
}

/// How moving a report failed, apart from what the device said in it.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No answer within the timeout.
  case timeout
  /// The device is gone (unplugged, reset, re-enumerated).
  case disconnected
  /// The USB layer refused the transfer.
  case usb(USBError)
  /// The operating system refused a read or write on the device node.
  case io(Errno)

  public var description: String {
    switch self {
    case .timeout: "no reply from the device in time"
    case .disconnected: "the device is gone"
    case .usb(let error): error.description
    case .io(let errno): "device I/O failed: \(errno)"
    }
  }
}
