import ThermoDevices

/// A device model on a serial line: it answers each write (one command) with reply bytes, or
/// none. Real devices see a byte stream; the drivers write whole commands, so one write is one
/// command here.
public protocol ByteStreamDeviceModel: Sendable {
  mutating func handle(_ bytes: [UInt8]) -> [UInt8]
}

/// A `ByteStreamTransport` whose other end is an in-process model (the pty-backed one that
/// exercises real termios comes with the serial port driver).
public struct SimulatedByteStream<Model: ByteStreamDeviceModel>: ByteStreamTransport, Sendable {
  public var model: Model
  public var isUnplugged = false
  /// Bytes that arrive on the line before the next reply (noise, a late answer).
  public mutating func inject(_ bytes: [UInt8]) { inbox += bytes }
  public private(set) var written: [[UInt8]] = []
  private var inbox: [UInt8] = []

  public init(model: Model) {
    self.model = model
  }

  public mutating func write(_ bytes: [UInt8]) throws(TransportError) {
    guard !isUnplugged else { throw .disconnected }
    written.append(bytes)
    inbox += model.handle(bytes)
  }

  public mutating func read(count: Int, timeout: Duration) throws(TransportError) -> [UInt8] {
    guard !isUnplugged else { throw .disconnected }
    // Bytes that came but not enough of them stay on the line, as they would in a real port.
    guard inbox.count >= count else { throw .timeout }
    defer { inbox.removeFirst(count) }
    return Array(inbox.prefix(count))
  }
}
