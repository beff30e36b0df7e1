import CLibUSB

/// HID reports over libusb on a claimed interface: OUT reports on the interrupt OUT endpoint
/// (or as a SET_REPORT control request where the device has none, as TEMPer sticks), IN
/// reports from the interrupt IN endpoint. The same drivers run over this and over a simulator.
public struct USBHIDTransport: ReportTransport, FeatureReportTransport {
  public let device: USBDeviceHandle
  public let interface: Int32
  public let inEndpoint: UInt8
  /// nil: OUT reports go as HID SET_REPORT (output) on endpoint 0.
  public let outEndpoint: UInt8?
  public let reportLength: Int

  /// Claims `interface` (detaching the kernel's HID driver) and finds its endpoints.
  public init(device: USBDeviceHandle, interface: Int32, reportLength: Int = 64) throws(USBError) {
    try device.claimInterface(interface)
    let endpoints = try device.interruptEndpoints(interface: interface)
    guard let inEndpoint = endpoints.in else {
      throw USBError(
        status: LIBUSB_ERROR_NOT_FOUND.rawValue,
        operation: "find an interrupt IN endpoint on interface \(interface) of \(device.info.vendorProduct)")
    }
    self.device = device
    self.interface = interface
    self.inEndpoint = inEndpoint
    self.outEndpoint = endpoints.out
    self.reportLength = reportLength
  }

  /// One interrupt transfer; a stalled endpoint (PIPE) is cleared and the transfer tried once
  /// more, as USB asks of a host after a STALL handshake.
  private func transfer(endpoint: UInt8, data: [UInt8], length: Int? = nil, timeout: Duration) throws(USBError)
    -> [UInt8]
  {
    do {
      return try device.interruptTransfer(endpoint: endpoint, data: data, length: length, timeout: timeout)
    } catch  where error.code == .pipe {
      try device.clearHalt(endpoint: endpoint)
      return try device.interruptTransfer(endpoint: endpoint, data: data, length: length, timeout: timeout)
    }
  }

  public mutating func send(_ report: [UInt8]) throws(TransportError) {
    var padded = Array(report.prefix(reportLength))
    if padded.count < reportLength { padded += [UInt8](repeating: 0, count: reportLength - padded.count) }
    do {
      if let outEndpoint {
        _ = try transfer(endpoint: outEndpoint, data: padded, timeout: .milliseconds(500))
      } else {
        // Class request to the interface: SET_REPORT (0x09), report type output (2), ID 0.
        _ = try device.controlTransfer(
          requestType: 0x21, request: 0x09, value: 0x0200, index: UInt16(interface), data: padded,
          timeout: .milliseconds(500))
      }
    } catch {
      throw Self.transportError(error)
    }
  }

  public mutating func receive(timeout: Duration) throws(TransportError) -> [UInt8] {
    do {
      return try transfer(endpoint: inEndpoint, data: [], length: reportLength, timeout: timeout)
    } catch {
      throw Self.transportError(error)
    }
  }

  /// HID feature reports (the relay's state, CP2112 configuration): SET_REPORT/GET_REPORT with
  /// report type feature (3). Byte 0 is the report ID, as `FeatureReportTransport` wants; as
  /// hidapi's libusb back end does, an unnumbered report (ID 0) goes without that byte on the
  /// wire and gets it back in front of what the device returns.
  public mutating func setFeature(_ report: [UInt8]) throws(TransportError) {
    let reportID = report.first ?? 0
    do {
      _ = try device.controlTransfer(
        requestType: 0x21, request: 0x09, value: 0x0300 | UInt16(reportID), index: UInt16(interface),
        data: reportID == 0 ? Array(report.dropFirst()) : report, timeout: .milliseconds(500))
    } catch {
      throw Self.transportError(error)
    }
  }

  public mutating func getFeature(reportID: UInt8, length: Int) throws(TransportError) -> [UInt8] {
    do {
      let data = try device.controlTransfer(
        requestType: 0xA1, request: 0x01, value: 0x0300 | UInt16(reportID), index: UInt16(interface),
        length: reportID == 0 ? max(0, length - 1) : length, timeout: .milliseconds(500))
      return reportID == 0 ? [0] + data : data
    } catch {
      throw Self.transportError(error)
    }
  }

  static func transportError(_ error: USBError) -> TransportError {
    switch error.code {
    case .timeout: .timeout
    case .noDevice: .disconnected
    default: .usb(error)
    }
  }
}
