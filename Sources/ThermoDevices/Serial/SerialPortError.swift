import SystemPackage

/// Why a serial port could not be opened or set up. Reads and writes on an open port fail with
/// `TransportError`, like every other transport.
public enum SerialPortError: Error, Sendable, Equatable, CustomStringConvertible {
  case open(path: String, Errno)
  /// Another process holds the line (our flock or the kernel's TIOCEXCL).
  case busy(path: String)
  case notATerminal(path: String)
  case unsupportedBaud(path: String, baud: Int)
  case configure(path: String, step: String, Errno)

  public var description: String {
    switch self {
    case .open(let path, let errno):
      switch errno {
      case .permissionDenied:
        "\(path): permission denied — add this user to the group that owns it (see udev-rules/70-thermogate.rules), or run `make install-udev`"
      case .noSuchFileOrDirectory, .noSuchAddressOrDevice, .operationNotSupportedByDevice:
        "\(path): no such device — is it plugged in? (\(errno))"
      default: "\(path): cannot open: \(errno)"
      }
    case .busy(let path):
      "\(path): in use by another process (another thermogate, or a terminal program such as screen or minicom)"
    case .notATerminal(let path): "\(path): not a serial port"
    case .unsupportedBaud(let path, let baud):
      "\(path): baud \(baud) is not one of \(SerialSettings.supportedBauds.map(String.init).joined(separator: ", "))"
    case .configure(let path, let step, let errno): "\(path): \(step) failed: \(errno)"
    }
  }
}
