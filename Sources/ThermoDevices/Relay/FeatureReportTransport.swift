/// A HID interface driven through feature reports (SET_REPORT / GET_REPORT on the control
/// endpoint), the only reports a V-USB relay board has. Drivers are written against this, so the
/// same driver runs over hidraw, libusb or a simulator.
///
/// Reports carry their report ID in byte 0, 0 for devices without numbered reports: the hidapi
/// and hidraw convention. A libusb transport moves that byte into wValue and sends the rest, and
/// puts it back in front of what GET_REPORT returns, so drivers see one layout whatever the
/// transport.
public protocol FeatureReportTransport {
  /// Sends one feature report, report ID first.
  mutating func setFeature(_ report: [UInt8]) throws(TransportError)
  /// Reads the feature report `reportID`: at most `length` bytes, report ID first.
  mutating func getFeature(reportID: UInt8, length: Int) throws(TransportError) -> [UInt8]
}
