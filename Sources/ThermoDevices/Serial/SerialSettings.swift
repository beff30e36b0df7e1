#if canImport(Glibc)
  import Glibc
#endif

/// How a serial line is set up. The thermometers we drive all talk 8N1 in raw mode; only the
/// speed and the modem lines differ between them.
public struct SerialSettings: Sendable, Equatable {
  /// What to do with DTR after opening. Some USB-serial heads draw power or wake on DTR; others
  /// reset when it toggles, so leaving it alone has to be possible.
  public enum ModemLine: Sendable, Equatable {
    case assert, clear, leave
  }

  public var baud: Int
  public var dtr: ModemLine
  /// Take the line for this process alone (flock, and TIOCEXCL for everybody but root), so two
  /// gateways or a stray terminal program cannot interleave commands on one device.
  public var exclusive: Bool

  public init(baud: Int = 9600, dtr: ModemLine = .assert, exclusive: Bool = true) {
    self.baud = baud
    self.dtr = dtr
    self.exclusive = exclusive
  }

  /// The speeds termios offers, in bits per second.
  public static let supportedBauds: [Int] = [
    1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600,
  ]

  var speed: speed_t? {
    switch baud {
    case 1200: speed_t(B1200)
    case 2400: speed_t(B2400)
    case 4800: speed_t(B4800)
    case 9600: speed_t(B9600)
    case 19200: speed_t(B19200)
    case 38400: speed_t(B38400)
    case 57600: speed_t(B57600)
    case 115200: speed_t(B115200)
    case 230400: speed_t(B230400)
    case 460800: speed_t(B460800)
    case 921600: speed_t(B921600)
    default: nil
    }
  }
}
