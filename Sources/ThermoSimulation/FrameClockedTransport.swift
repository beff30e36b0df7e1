import ThermoDevices

/// A report transport timed the way full-speed USB interrupt endpoints are (bInterval 1): an
/// OUT report goes in the next 1 ms frame, and an IN report can be picked up at the earliest in
/// the frame after. Empty IN polls cost their frames (or their whole timeout) too. Time is
/// virtual, so the figures it gives are the USB budget of a driver, free of CPU noise.
public struct FrameClockedTransport<Inner: ReportTransport>: ReportTransport {
  public var inner: Inner
  /// Elapsed bus time in milliseconds.
  public private(set) var milliseconds = 0.0
  public private(set) var outTransfers = 0
  /// IN transfers attempted, including those that found nothing.
  public private(set) var inTransfers = 0

  public init(_ inner: Inner) {
    self.inner = inner
  }

  private mutating func nextFrame() {
    milliseconds = milliseconds.rounded(.down) + 1
  }

  public mutating func send(_ report: [UInt8]) throws(TransportError) {
    outTransfers += 1
    nextFrame()
    try inner.send(report)
  }

  public mutating func receive(timeout: Duration) throws(TransportError) -> [UInt8] {
    inTransfers += 1
    nextFrame()
    do {
      return try inner.receive(timeout: timeout)
    } catch {
      if error == .timeout {
        // The host keeps polling until its timeout; at least the frame already spent.
        let waited = Double(timeout.components.seconds) * 1000 + Double(timeout.components.attoseconds) / 1e15
        milliseconds += max(0, waited - 1)
      }
      throw error
    }
  }
}
