import CLibUSB

/// A libusb failure, typed so that an operator can act on it: the codes an operator meets at a
/// gate (access, no device, timeout, busy, pipe) each say what to do next.
public struct USBError: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Code: String, Sendable, CaseIterable {
    case io, invalidParameter, access, noDevice, notFound, busy, timeout, overflow, pipe, interrupted,
      noMemory, notSupported, other

    /// What the person at the gate box should do about it.
    public var operatorHint: String {
      switch self {
      case .access:
        "no permission on the USB device node: install udev-rules/70-thermogate.rules and run as group thermogate"
      case .noDevice: "the device was unplugged or reset; the entrance waits for it to come back"
      case .busy: "another driver or process holds the interface (a kernel HID driver, or a second gateway)"
      case .timeout: "the device did not answer in time; check the cable, it will be retried"
      case .pipe: "the device stalled the endpoint or refused the request; the driver clears it and retries"
      case .notFound: "the device or interface is not there; check the device model"
      case .overflow: "the device sent more data than a report holds"
      case .interrupted: "the call was interrupted; it is retried"
      case .noMemory: "the gateway is out of memory"
      case .notSupported: "the operation is not supported on this platform or device"
      case .io, .invalidParameter, .other: "a USB error; see the message"
      }
    }
  }

  public var code: Code
  /// What the gateway was doing ("claim interface 2 of 04d8:00dd", …).
  public var operation: String
  /// libusb's own status value, for the log.
  public var status: Int32

  public init(status: Int32, operation: String) {
    self.status = status
    self.operation = operation
    code = Self.code(for: status)
  }

  public var description: String { "\(operation): \(code.rawValue) (libusb \(status)); \(code.operatorHint)" }

  private static func code(for status: Int32) -> Code {
    switch status {
    case LIBUSB_ERROR_IO.rawValue: .io
    case LIBUSB_ERROR_INVALID_PARAM.rawValue: .invalidParameter
    case LIBUSB_ERROR_ACCESS.rawValue: .access
    case LIBUSB_ERROR_NO_DEVICE.rawValue: .noDevice
    case LIBUSB_ERROR_NOT_FOUND.rawValue: .notFound
    case LIBUSB_ERROR_BUSY.rawValue: .busy
    case LIBUSB_ERROR_TIMEOUT.rawValue: .timeout
    case LIBUSB_ERROR_OVERFLOW.rawValue: .overflow
    case LIBUSB_ERROR_PIPE.rawValue: .pipe
    case LIBUSB_ERROR_INTERRUPTED.rawValue: .interrupted
    case LIBUSB_ERROR_NO_MEM.rawValue: .noMemory
    case LIBUSB_ERROR_NOT_SUPPORTED.rawValue: .notSupported
    default: .other
    }
  }

  /// Turns a libusb return value into a typed error when it is negative; passes counts through.
  @discardableResult
  static func check(_ status: Int32, _ operation: @autoclosure () -> String) throws(USBError) -> Int32 {
    guard status >= 0 else { throw USBError(status: status, operation: operation()) }
    return status
  }
}
