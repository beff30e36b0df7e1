import SystemPackage

#if canImport(Glibc)
  import Glibc
#endif

/// The controller side of a pseudo-terminal pair. Whatever it writes arrives on the other side,
/// `path` (a /dev/pts node), as if a serial device had sent it, so a simulator behind it is
/// driven through the same termios code as a real USB-serial port.
public final class PseudoTerminal {
  /// The terminal side, to open as a serial port.
  public let path: String
  private var controller: FileDescriptor?
  /// Kept open so the pair survives while no driver has the line open: with no terminal side
  /// left, the controller reads fail with EIO.
  private var terminalKeeper: SerialPort?

  public init() throws(SerialPortError) {
    // posix_openpt and friends are hidden behind feature macros in Swift's Glibc module; on Linux
    // they are these two ioctls on /dev/ptmx (grantpt is a no-op with devpts).
    let fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else { throw .open(path: "/dev/ptmx", Errno(rawValue: errno)) }
    let controller = FileDescriptor(rawValue: fd)
    let setLock = IoctlRequest.write(type: "T", number: 0x31, CInt.self)  // TIOCSPTLCK
    let getNumber = IoctlRequest.read(type: "T", number: 0x30, CUnsignedInt.self)  // TIOCGPTN
    var unlocked: CInt = 0
    var number: CUnsignedInt = 0
    guard ioctl(fd, setLock.rawValue, &unlocked) == 0, ioctl(fd, getNumber.rawValue, &number) == 0 else {
      let failure = Errno(rawValue: errno)
      try? controller.close()
      throw .configure(path: "/dev/ptmx", step: "unlocking a pseudo-terminal", failure)
    }
    let path = "/dev/pts/\(number)"
    self.path = path
    self.controller = controller
    // Raw from the start: a simulator's reply must not be echoed or line-edited before a driver
    // opens the line and sets it up itself.
    do {
      terminalKeeper = try SerialPort(path: path, settings: SerialSettings(dtr: .leave, exclusive: false))
    } catch {
      try? controller.close()
      throw error
    }
  }

  deinit {
    hangUp()
  }

  /// Closes both sides: a driver with the line open sees the hang-up a USB-serial device makes
  /// when it is unplugged.
  public func hangUp() {
    try? controller?.close()
    controller = nil
    terminalKeeper?.close()
    terminalKeeper = nil
  }

  public var isOpen: Bool { controller != nil }

  /// Sends bytes to the terminal side.
  public func write(_ bytes: [UInt8]) throws(TransportError) {
    guard let controller else { throw .disconnected }
    do {
      var offset = 0
      while offset < bytes.count {
        offset += try bytes[offset...].withUnsafeBytes { try controller.write($0) }
      }
    } catch let errno as Errno {
      // Nobody reads the line and its buffer is full: the bytes are lost, as on a real wire.
      if errno == .resourceTemporarilyUnavailable { return }
      throw errno == .ioError ? .disconnected : .io(errno)
    } catch {
      throw .io(.ioError)
    }
  }

  /// Whatever the terminal side has written, waiting at most `timeout` for the first byte;
  /// empty when nothing came.
  public func readAvailable(timeout: Duration) throws(TransportError) -> [UInt8] {
    guard let controller else { throw .disconnected }
    // A failed wait on our own descriptor reads as "nothing came", as a quiet line does.
    guard case .ready = try? Poll.wait(controller, for: .readable, timeout: timeout) else { return [] }
    var buffer = [UInt8](repeating: 0, count: 512)
    do {
      let count = try buffer.withUnsafeMutableBytes { try controller.read(into: $0) }
      return Array(buffer[..<count])
    } catch let errno as Errno {
      if errno == .resourceTemporarilyUnavailable { return [] }
      throw errno == .ioError ? .disconnected : .io(errno)
    } catch {
      throw .io(.ioError)
    }
  }
}
