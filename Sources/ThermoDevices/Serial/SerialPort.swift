import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// An open serial line (USB virtual COM port or pty) in raw 8N1 mode: the real-port
/// `ByteStreamTransport`. It owns its file descriptor and closes it on `close()` or deinit.
///
/// Reads wait with poll(2) for at most the timeout; bytes that arrived but are not yet enough
/// stay buffered for the next read, as `SimulatedByteStream` keeps them, so drivers behave the
/// same over both.
public final class SerialPort: ByteStreamTransport {
  public let path: String
  public let settings: SerialSettings
  /// False on lines without modem control (a pty): DTR settings are skipped there.
  public private(set) var hasModemControl = true
  private var descriptor: FileDescriptor?
  private var pending: [UInt8] = []

  public init(path: String, settings: SerialSettings = SerialSettings()) throws(SerialPortError) {
    self.path = path
    self.settings = settings
    guard let speed = settings.speed else { throw .unsupportedBaud(path: path, baud: settings.baud) }
    let fd: FileDescriptor
    do {
      fd = try FileDescriptor.open(
        FilePath(path), .readWrite,
        options: [.nonBlocking, .closeOnExec, FileDescriptor.OpenOptions(rawValue: O_NOCTTY)])
    } catch {
      let errno = error as? Errno ?? .ioError
      // TIOCEXCL held by another process refuses the open itself.
      if errno == .resourceBusy { throw .busy(path: path) }
      throw .open(path: path, errno)
    }
    do {
      try Self.configure(fd, path: path, settings: settings, speed: speed, modemControl: &hasModemControl)
    } catch {
      try? fd.close()
      throw error
    }
    descriptor = fd
  }

  deinit {
    close()
  }

  public func close() {
    guard let descriptor else { return }
    // TIOCEXCL belongs to the tty, not to this descriptor: it outlives our close while any other
    // descriptor keeps the tty open (a pty's controller side, a getty, ModemManager) and would
    // refuse every later open, including our own reconnect.
    if settings.exclusive { _ = ioctl(descriptor.rawValue, UInt(TIOCNXCL)) }
    try? descriptor.close()
    self.descriptor = nil
  }

  private static func configure(
    _ fd: FileDescriptor, path: String, settings: SerialSettings, speed: speed_t, modemControl: inout Bool
  ) throws(SerialPortError) {
    var attributes = termios()
    guard tcgetattr(fd.rawValue, &attributes) == 0 else {
      if errno == ENOTTY { throw .notATerminal(path: path) }
      throw .configure(path: path, step: "reading the line settings", Errno(rawValue: errno))
    }
    if settings.exclusive {
      guard flock(fd.rawValue, LOCK_EX | LOCK_NB) == 0 else {
        if errno == EWOULDBLOCK { throw .busy(path: path) }
        throw .configure(path: path, step: "locking the line", Errno(rawValue: errno))
      }
      // Root ignores TIOCEXCL, so flock above is what keeps two gateways apart; TIOCEXCL also
      // keeps out ordinary programs that do not lock.
      _ = ioctl(fd.rawValue, UInt(TIOCEXCL))
    }
    cfmakeraw(&attributes)
    attributes.c_cflag |= tcflag_t(CLOCAL | CREAD)
    attributes.c_cflag &= ~(tcflag_t(CSTOPB | PARENB) | tcflag_t(CRTSCTS))
    attributes.c_iflag &= ~tcflag_t(IXON | IXOFF | IXANY)
    cfsetispeed(&attributes, speed)
    cfsetospeed(&attributes, speed)
    guard tcsetattr(fd.rawValue, TCSANOW, &attributes) == 0 else {
      throw .configure(path: path, step: "applying \(settings.baud) 8N1 raw", Errno(rawValue: errno))
    }
    _ = tcflush(fd.rawValue, TCIOFLUSH)
    var dtrBit = CInt(TIOCM_DTR)
    let request: CInt? =
      switch settings.dtr {
      case .assert: CInt(TIOCMBIS)
      case .clear: CInt(TIOCMBIC)
      case .leave: nil
      }
    if let request, ioctl(fd.rawValue, UInt(request), &dtrBit) != 0 {
      // A pty has no modem lines; that is the line's nature, not a fault.
      guard errno == ENOTTY || errno == EINVAL else {
        throw .configure(path: path, step: "setting DTR", Errno(rawValue: errno))
      }
      modemControl = false
    }
  }

  public func write(_ bytes: [UInt8]) throws(TransportError) {
    guard let descriptor else { throw .disconnected }
    var offset = 0
    let deadline = ContinuousClock.now + .seconds(1)
    while offset < bytes.count {
      let written: Int
      do {
        written = try bytes[offset...].withUnsafeBytes { try descriptor.write($0) }
      } catch let errno as Errno {
        switch errno {
        case .resourceTemporarilyUnavailable:
          // The output buffer is full; a line that never drains is a stalled device.
          guard ContinuousClock.now < deadline else { throw .timeout }
          try wait(for: .writable, until: deadline)
          continue
        default: throw Self.transportError(errno)
        }
      } catch {
        throw .io(.ioError)
      }
      offset += written
    }
  }

  public func read(count: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
    guard let descriptor else { throw .disconnected }
    let deadline = ContinuousClock.now + timeout
    var chunk = [UInt8](repeating: 0, count: 256)
    while pending.count < count {
      let received: Int
      do {
        received = try chunk.withUnsafeMutableBytes { try descriptor.read(into: $0) }
      } catch let errno as Errno {
        guard errno == .resourceTemporarilyUnavailable else { throw Self.transportError(errno) }
        guard ContinuousClock.now < deadline else { throw .timeout }
        try wait(for: .readable, until: deadline)
        continue
      } catch {
        throw .io(.ioError)
      }
      // End of file on a tty means the other side hung up (the USB device or pty went away).
      guard received > 0 else { throw .disconnected }
      pending += chunk[..<received]
    }
    defer { pending.removeFirst(count) }
    return Array(pending.prefix(count))
  }

  private func wait(for events: Poll.Events, until deadline: ContinuousClock.Instant) throws(TransportError) {
    guard let descriptor else { throw .disconnected }
    do {
      // POLLHUP or POLLERR alone, or the deadline passing: the caller's next read or write
      // names the cause (EIO, end of file, or its own timeout check).
      _ = try Poll.wait(descriptor, for: events, until: deadline)
    } catch {
      throw Self.transportError(error)
    }
  }

  private static func transportError(_ errno: Errno) -> TransportError {
    switch errno {
    // What the kernel answers once a USB-serial device has been unplugged.
    case .ioError, .operationNotSupportedByDevice, .noSuchAddressOrDevice, .badFileDescriptor: .disconnected
    default: .io(errno)
    }
  }
}
