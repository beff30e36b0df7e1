import ThermoDevices

/// A `FeatureReportTransport` whose device is an in-process model. It does what hidapi and
/// hidraw do between a driver's buffer and the wire: report ID 0 comes off before SET_REPORT
/// and goes back on after GET_REPORT; a numbered report keeps its ID in the data.
public struct SimulatedFeatureReportTransport<Model: HIDControlDeviceModel>: FeatureReportTransport, Sendable {
  public var model: Model
  /// Every report passed to `setFeature`, report ID first, for tests that check the bytes.
  public private(set) var sentReports: [[UInt8]] = []
  /// Every `getFeature` call: report ID and length asked for.
  public private(set) var featureRequests: [(reportID: UInt8, length: Int)] = []

  public init(model: Model) {
    self.model = model
  }

  public mutating func setFeature(_ report: [UInt8]) throws(TransportError) {
    guard model.isAttached else { throw .disconnected }
    guard let id = report.first else { throw stall("SET_REPORT of an empty buffer") }
    sentReports.append(report)
    let data = id == 0 ? Array(report.dropFirst()) : report
    guard model.setReport(type: .feature, id: id, data: data) else { throw stall("SET_REPORT feature \(id)") }
  }

  public mutating func getFeature(reportID: UInt8, length: Int) throws(TransportError) -> [UInt8] {
    guard model.isAttached else { throw .disconnected }
    featureRequests.append((reportID, length))
    let wireLength = reportID == 0 ? length - 1 : length
    guard wireLength > 0, let data = model.getReport(type: .feature, id: reportID, length: wireLength) else {
      throw stall("GET_REPORT feature \(reportID)")
    }
    let bounded = Array(data.prefix(wireLength))
    return reportID == 0 ? [0] + bounded : bounded
  }

  /// A stalled control request, as libusb reports it (LIBUSB_ERROR_PIPE).
  private func stall(_ operation: String) -> TransportError {
    .usb(USBError(status: -9, operation: operation))
  }
}
