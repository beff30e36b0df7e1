/// A HID interface that answers each OUT report with one IN report (MCP2221, CP2112, TEMPer,
/// relay boards). Drivers are written against this, so the same driver code runs over libusb,
/// hidraw or a simulator.
public protocol ReportTransport {
  /// Sends `report` and returns the IN report that answers it, waiting at most `timeout`.
  mutating func exchange(_ report: [UInt8], timeout: Duration) throws(TransportError) -> [UInt8]
}

/// How moving a report failed, apart from what the device said in it.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No answer within the timeout.
  case timeout
  /// The device is gone (unplugged, reset, re-enumerated).
  case disconnected
  /// The USB layer refused the transfer.
  case usb(USBError)

  public var description: String {
    switch self {
    case .timeout: "no reply from the device in time"
    case .disconnected: "the device is gone"
    case .usb(let error): error.description
    }
  }
}
