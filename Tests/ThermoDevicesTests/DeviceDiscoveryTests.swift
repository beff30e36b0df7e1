import Testing

@testable import ThermoDevices

@Suite struct DeviceDiscoveryTests {
  func record(
    vendor: String, product: String, serial: String? = nil, productName: String? = nil, port: String = "1-1",
    fromUdevDatabase: Bool = false
  ) -> UdevDeviceRecord {
    var properties: [String: String] = ["DEVTYPE": "usb_device"]
    var attributes: [String: String] = [:]
    if fromUdevDatabase {
      properties["ID_VENDOR_ID"] = vendor
      properties["ID_MODEL_ID"] = product
      properties["ID_SERIAL_SHORT"] = serial
    } else {
      attributes["idVendor"] = vendor
      attributes["idProduct"] = product
      attributes["serial"] = serial
    }
    attributes["product"] = productName
    return UdevDeviceRecord(
      subsystem: "usb", sysPath: "/sys/bus/usb/devices/\(port)", sysName: port, devNode: "/dev/bus/usb/001/002",
      properties: properties, attributes: attributes)
  }

  @Test func supportedFamiliesAreRecognisedFromEitherSource() {
    let mcp = DeviceDiscovery.device(from: record(vendor: "04d8", product: "00dd", serial: "0001234", port: "1-1.2"))
    #expect(mcp?.family == .mcp2221)
    #expect(mcp?.stableAddress == "mcp2221:serial=0001234")
    let cp = DeviceDiscovery.device(
      from: record(vendor: "10c4", product: "ea90", port: "1-1.3", fromUdevDatabase: true))
    #expect(cp?.family == .cp2112)
    #expect(cp?.stableAddress == "cp2112:port=1-1.3")
    #expect(DeviceDiscovery.device(from: record(vendor: "413d", product: "2107"))?.family == .temper)
    #expect(
      DeviceDiscovery.device(from: record(vendor: "16c0", product: "05df", productName: "USBRelay2"))?.family
        == .usbRelay)
  }

  @Test func othersAreIgnored() {
    #expect(
      DeviceDiscovery.device(from: record(vendor: "16c0", product: "05df", productName: "Some V-USB gadget")) == nil)
    #expect(DeviceDiscovery.device(from: record(vendor: "046d", product: "c52b")) == nil)
    #expect(DeviceDiscovery.device(from: record(vendor: "zz", product: "00dd")) == nil)
  }

  @Test func rescansAreDiffed() {
    let a = DiscoveredDevice(
      family: .mcp2221, vendorID: 0x04D8, productID: 0x00DD, serial: "A", portPath: "1-1", devNode: nil)
    let b = DiscoveredDevice(
      family: .mcp2221, vendorID: 0x04D8, productID: 0x00DD, serial: "B", portPath: "1-2", devNode: nil)
    var inventory = DeviceInventory()
    #expect(inventory.update(with: [a]) == ([a], []))
    #expect(inventory.update(with: [a, b]) == ([b], []))
    #expect(inventory.update(with: [b]) == ([], [a]))
    #expect(inventory.update(with: [b]) == ([], []))
  }
}

@Suite struct InterfaceNodeTests {
  @Test func nodesAreFoundBySysfsAncestry() throws {
    // No USB here: the virtual tty parent stands in for a USB device whose interfaces are ttys.
    let parent = DiscoveredDevice(
      family: .mcp2221, vendorID: 0x04D8, productID: 0x00DD, serial: "P", portPath: "1-1", devNode: nil,
      sysPath: "/sys/devices/virtual/tty")
    let elsewhere = DiscoveredDevice(
      family: .cp2112, vendorID: 0x10C4, productID: 0xEA90, serial: "Q", portPath: "1-2", devNode: nil,
      sysPath: "/sys/devices/virtual/mem")
    let nodes = try DeviceDiscovery.interfaceNodes(of: [parent, elsewhere])
    #expect(nodes[parent.stableAddress]?.contains("/dev/ptmx") == true)
    #expect(nodes[elsewhere.stableAddress] == [])
  }
}
