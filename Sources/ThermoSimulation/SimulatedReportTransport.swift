import ThermoDevices

/// A device model that answers each OUT report with zero or more IN reports.
public protocol ReportDeviceModel: Sendable {
  mutating func handle(_ out: [UInt8]) -> [[UInt8]]
}

/// A `ReportTransport` whose device is a simulated model: the driver's bytes go to the model and
/// the model's bytes come back, with the faults a USB link has (late replies, unplugging).
public struct SimulatedReportTransport<Model: ReportDeviceModel>: ReportTransport, Sendable {
  public var model: Model
  /// The replies to the next this-many OUT reports come late: after the driver has timed out,
  /// with the next report's replies (a stalled device catching up).
  public var lateReplies = 0
  public var isUnplugged = false
  /// Unplugs the device after this many more OUT reports: in the middle of a transaction.
  public var unplugAfterReports: Int?
  /// Reports arriving unasked before the next reply (a confused device, line trouble).
  public mutating func inject(_ report: [UInt8]) { inbox.append(report) }
  /// Every OUT report sent, for tests that check the bytes.
  public private(set) var sentReports: [[UInt8]] = []
  private var inbox: [[UInt8]] = []
  private var late: [[UInt8]] = []

  public init(model: Model) {
    self.model = model
  }

  public mutating func send(_ report: [UInt8]) throws(TransportError) {
    if let left = unplugAfterReports {
      if left <= 0 { isUnplugged = true }
      unplugAfterReports = left - 1
    }
    guard !isUnplugged else { throw .disconnected }
    sentReports.append(report)
    inbox += late
    late = []
    let replies = model.handle(report)
    if lateReplies > 0 {
      lateReplies -= 1
      late = replies
      return
    }
    inbox += replies
  }

  public mutating func receive(timeout: Duration) throws(TransportError) -> [UInt8] {
    guard !isUnplugged else { throw .disconnected }
    guard !inbox.isEmpty else { throw .timeout }
    return inbox.removeFirst()
  }
}
