/// A serial line (USB virtual COM port, pty): bytes out, bytes in with a timeout. Serial
/// drivers (Optris, PyroUSB) are written against this, so they run unchanged over a real port,
/// a pty or an in-process simulator.
public protocol ByteStreamTransport {
  mutating func write(_ bytes: [UInt8]) throws(TransportError)
  /// Exactly `count` bytes, waiting at most `timeout` for all of them.
  mutating func read(count: Int, timeout: Duration) throws(TransportError) -> [UInt8]
}

extension ByteStreamTransport {
  /// Throws away bytes already waiting (late replies, line noise), so that the next command is
  /// answered by its own reply. Bounded, like `ReportTransport.discardPending`.
  public mutating func discardPending() {
    for _ in 0..<4096 {
      guard (try? read(count: 1, timeout: .zero)) != nil else { return }
    }
  }
}
