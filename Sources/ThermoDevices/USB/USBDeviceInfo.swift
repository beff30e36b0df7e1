/// One USB device as libusb lists it: plain values, nothing to release.
public struct USBDeviceInfo: Sendable, Equatable, Hashable {
  public var vendorID: UInt16
  public var productID: UInt16
  public var bus: UInt8
  /// Port numbers from the root hub down; with the bus this is where the device is plugged in,
  /// stable across replugging into the same socket.
  public var portNumbers: [UInt8]
  public var deviceAddress: UInt8
  /// Read from the device itself, so nil when it cannot be opened (no permission) or has none.
  public var serialNumber: String?
  public var product: String?

  public init(
    vendorID: UInt16, productID: UInt16, bus: UInt8, portNumbers: [UInt8], deviceAddress: UInt8,
    serialNumber: String? = nil, product: String? = nil
  ) {
    self.vendorID = vendorID
    self.productID = productID
    self.bus = bus
    self.portNumbers = portNumbers
    self.deviceAddress = deviceAddress
    self.serialNumber = serialNumber
    self.product = product
  }

  /// The kernel's name for the port (`1-1.2`: bus 1, root port 1, hub port 2), as udev's
  /// sysfs paths and our `port=` addresses spell it.
  public var portPath: String {
    "\(bus)-" + portNumbers.map(String.init).joined(separator: ".")
  }

  public var vendorProduct: String {
    hex4(vendorID) + ":" + hex4(productID)
  }
}

func hex4(_ value: UInt16) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// A device arriving or leaving, as libusb's hot-plug callback reports it.
public struct USBHotplugEvent: Sendable, Equatable {
  public enum Change: String, Sendable {
    case arrived, left
  }

  public var change: Change
  public var device: USBDeviceInfo
}
