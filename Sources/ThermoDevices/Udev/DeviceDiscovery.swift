/// The USB device families thermogate drives, by the IDs in hardware-notes.md.
public enum DeviceFamily: String, Sendable, CaseIterable {
  case mcp2221
  case cp2112
  case temper
  case usbRelay = "relay"

  /// The USB vendor and product IDs of the family (hardware-notes.md; udev-rules/ covers each).
  public var usbIDs: [(vendor: UInt16, product: UInt16)] {
    switch self {
    case .mcp2221: [(0x04D8, 0x00DD)]
    case .cp2112: [(0x10C4, 0xEA90)]
    case .temper: [(0x0C45, 0x7401), (0x0C45, 0x7402), (0x413D, 0x2107), (0x1A86, 0xE025)]
    case .usbRelay: [(0x16C0, 0x05DF)]
    }
  }

  /// The family of a USB device, or nil when thermogate does not drive it. Relay boards share a
  /// V-USB vendor/product pair with other hobby devices, so their product string must match too.
  public static func of(vendorID: UInt16, productID: UInt16, product: String?) -> DeviceFamily? {
    guard let family = allCases.first(where: { $0.usbIDs.contains { $0 == (vendorID, productID) } }) else { return nil }
    if family == .usbRelay, product?.hasPrefix("USBRelay") != true { return nil }
    return family
  }
}

/// A supported device found on the bus.
public struct DiscoveredDevice: Sendable, Hashable {
  public var family: DeviceFamily
  public var vendorID: UInt16
  public var productID: UInt16
  public var serial: String?
  /// Where it is plugged in (the kernel's port path, e.g. `1-1.2`).
  public var portPath: String
  /// The USB device node (`/dev/bus/usb/…`) libusb opens; hidraw and tty nodes belong to the
  /// device's interfaces and are looked up when a driver opens it.
  public var devNode: String?
  /// Where the device sits in sysfs, to find its interfaces' nodes.
  public var sysPath: String?

  /// How configuration names this device (`DRIVER:LOCATOR`, issue 3's address form): by serial
  /// number when it has one (it follows the device to any port), else by port (two identical
  /// serial-less bridges stay apart).
  public var stableAddress: String {
    // A relay board's ID lives in a feature report, not in the USB serial number (which these
    // boards lack), so discovery names relays by port; `relay:serial=ID` is for configuration.
    if family != .usbRelay, let serial, !serial.isEmpty { return "\(family.rawValue):serial=\(serial)" }
    return "\(family.rawValue):port=\(portPath)"
  }
}

/// Finds supported USB devices through libudev. A hot-plug event is only a hint: callers rescan
/// and diff with `DeviceInventory`, which also works where no udev daemon sends events.
public enum DeviceDiscovery {
  static let sysfsAttributes = ["idVendor", "idProduct", "serial", "product"]

  public static func scanUSB() throws(UdevError) -> [DiscoveredDevice] {
    try UdevEnumerator.devices(subsystem: "usb", deviceType: "usb_device", attributes: sysfsAttributes)
      .compactMap(device(from:))
  }

  /// Reads IDs from udev properties when a udev daemon has run, else from sysfs attributes.
  static func device(from record: UdevDeviceRecord) -> DiscoveredDevice? {
    func value(_ property: String, _ attribute: String) -> String? {
      record.properties[property] ?? record.attributes[attribute]
    }
    guard let vendor = value("ID_VENDOR_ID", "idVendor").flatMap({ UInt16($0, radix: 16) }),
      let product = value("ID_MODEL_ID", "idProduct").flatMap({ UInt16($0, radix: 16) }),
      let family = DeviceFamily.of(vendorID: vendor, productID: product, product: record.attributes["product"])
    else { return nil }
    return DiscoveredDevice(
      family: family, vendorID: vendor, productID: product, serial: value("ID_SERIAL_SHORT", "serial"),
      portPath: record.sysName, devNode: record.devNode, sysPath: record.sysPath)
  }
}

/// The devices present, updated by rescans: what appeared and what went away since the last one.
public struct DeviceInventory: Sendable {
  public private(set) var devices: Set<DiscoveredDevice> = []

  public init() {}

  public mutating func update(with scan: [DiscoveredDevice]) -> (added: [DiscoveredDevice], removed: [DiscoveredDevice])
  {
    let now = Set(scan)
    let added = now.subtracting(devices).sorted { $0.stableAddress < $1.stableAddress }
    let removed = devices.subtracting(now).sorted { $0.stableAddress < $1.stableAddress }
    devices = now
    return (added, removed)
  }
}

/// A USB serial port (virtual COM): where Optris and PyroUSB heads appear. Which head is on it
/// cannot be told from the IDs (they use common USB-serial chips), so it is listed as a port.
public struct USBSerialPort: Sendable, Hashable {
  public var node: String
  /// The stable names udev made for it (`/dev/serial/by-id/…`, `/dev/thermogate/…`), when a
  /// udev daemon runs.
  public var links: [String]
  public var vendorID: UInt16?
  public var productID: UInt16?
  public var serial: String?

  /// The name to put in an address: a stable link when there is one, never `/dev/ttyUSBn`
  /// unless nothing else exists.
  public var preferredPath: String {
    links.first { $0.hasPrefix("/dev/thermogate/") } ?? links.first { $0.hasPrefix("/dev/serial/by-id/") } ?? node
  }
}

extension DeviceDiscovery {
  public static func scanSerialPorts() throws(UdevError) -> [USBSerialPort] {
    try UdevEnumerator.devices(subsystem: "tty").compactMap { record in
      guard let node = record.devNode, record.properties["ID_BUS"] == "usb" || record.sysPath.contains("/usb")
      else { return nil }
      let links = (record.properties["DEVLINKS"] ?? "").split(separator: " ").map(String.init).sorted()
      return USBSerialPort(
        node: node, links: links, vendorID: record.properties["ID_VENDOR_ID"].flatMap { UInt16($0, radix: 16) },
        productID: record.properties["ID_MODEL_ID"].flatMap { UInt16($0, radix: 16) },
        serial: record.properties["ID_SERIAL_SHORT"])
    }
  }
}

extension DeviceDiscovery {
  /// The hidraw and tty nodes of a USB device's interfaces (udev's DEVNAME), by sysfs ancestry.
  /// An MCP2221 shows its `ttyACM` (the UART) here, and a hidraw node only while hid-mcp2221 is
  /// not bound to it (hardware-notes.md).
  public static func interfaceNodes(of devices: [DiscoveredDevice]) throws(UdevError) -> [String: [String]] {
    let children =
      try UdevEnumerator.devices(subsystem: "hidraw") + UdevEnumerator.devices(subsystem: "tty")
    var nodes: [String: [String]] = [:]
    for device in devices {
      guard let sysPath = device.sysPath else { continue }
      nodes[device.stableAddress] = children.filter { $0.sysPath.hasPrefix(sysPath + "/") }.compactMap(\.devNode)
        .sorted()
    }
    return nodes
  }
}
