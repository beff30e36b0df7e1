import ThermoDevices

/// HID report types, as in the high byte of a GET_REPORT / SET_REPORT wValue.
public enum HIDReportType: UInt8, Sendable {
  case input = 1
  case output = 2
  case feature = 3
}

/// The device side of HID class requests on the control endpoint, in the bytes of the USB data
/// stage: an unnumbered report has no report ID byte there. This is the boundary a USB device
/// front end (usbredir) would call, so a model written against it serves both the in-process
/// transport and a real USB host.
public protocol HIDControlDeviceModel: Sendable {
  /// False while unplugged: the device is not on the bus.
  var isAttached: Bool { get }
  /// SET_REPORT with wValue `type << 8 | id`. False stalls the request.
  mutating func setReport(type: HIDReportType, id: UInt8, data: [UInt8]) -> Bool
  /// GET_REPORT with wValue `type << 8 | id` and wLength `length`: the data stage, or nil to stall.
  mutating func getReport(type: HIDReportType, id: UInt8, length: Int) -> [UInt8]?
}
