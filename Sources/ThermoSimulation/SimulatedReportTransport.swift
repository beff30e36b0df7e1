import ThermoDevices

/// A `ReportTransport` whose device is a simulated MCP2221A: the driver's bytes go to the model
/// and the model's bytes come back, with the faults a USB link has (no reply, unplugged).
public struct SimulatedMCP2221Transport: ReportTransport, Sendable {
  public var chip: MCP2221Model
  /// The next this-many exchanges get no reply (a stalled device).
  public var unansweredExchanges = 0
  public var isUnplugged = false
  /// Every OUT report sent, for tests that check the bytes.
  public private(set) var sentReports: [[UInt8]] = []

  public init(chip: MCP2221Model) {
    self.chip = chip
  }

  public mutating func exchange(_ report: [UInt8], timeout: Duration) throws(TransportError) -> [UInt8] {
    guard !isUnplugged else { throw .disconnected }
    sentReports.append(report)
    if unansweredExchanges > 0 {
      unansweredExchanges -= 1
      throw .timeout
    }
    guard let reply = chip.handle(report) else { throw .timeout }
    return reply
  }
}
