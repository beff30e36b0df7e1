import Testing

@testable import ThermoDevices

@Suite struct DeviceAddressTests {
  @Test(arguments: [
    "mcp2221:serial=0001234567?address=0x5a", "mcp2221:port=1-1.2", "cp2112:serial=ABC",
    "optris:/dev/serial/by-id/usb-FTDI_FT232R-if00-port0?baud=115200", "pyrousb:/dev/thermogate/pyro-7?address=1",
    "temper:port=1-1.4", "relay:serial=ABCDE?channel=1", "sim:mlx90614?seed=7",
  ])
  func theIssuesExamplesParseAndPrintBack(text: String) throws {
    let address = try DeviceAddress(parsing: text)
    #expect(address.description == text)
  }

  @Test func partsAreTyped() throws {
    let address = try DeviceAddress(parsing: "mcp2221:serial=0001234567?address=0x5a&pec=accept")
    #expect(address.driver == .mcp2221)
    #expect(address.locator == .serial("0001234567"))
    #expect(address.options == ["address": "0x5a", "pec": "accept"])
  }

  @Test(arguments: [
    ("mcp2221", "no ':' after the driver name"),
    ("thermo:serial=1", "unknown driver 'thermo'"),
    ("mcp2221:", "nothing after 'mcp2221:'"),
    ("mcp2221:1-1.2", "a USB device is named by serial=… or port=…"),
    ("optris:/dev/ttyUSB0", "changes with plug order"),
    ("pyrousb:COM3", "needs a device path"),
    ("mcp2221:port=1-1?address=0x90", "option address=0x90: expected a 7-bit SMBus address"),
    ("relay:serial=A?channel=9", "expected a relay channel, 1–8"),
    ("relay:serial=A?colour=red", "relay has no option 'colour' (known: channel)"),
    ("temper:port=1-1?x=1", "temper has no option 'x'"),
    ("cp2112:serial=A?address", "option 'address' is not key=value"),
    ("cp2112:serial=A?pec=accept&pec=reject", "option 'pec' given twice"),
  ])
  func malformedAddressesSayWhatIsWrongAndShowTheForm(text: String, problem: String) {
    do {
      _ = try DeviceAddress(parsing: text)
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.problem.contains(problem), "\(error.problem)")
      #expect(error.description.hasSuffix(DeviceAddress.expectedForm))
      #expect(error.description.hasPrefix("device address '\(text)': "))
    }
  }

  @Test func discoveredDevicesAreNamedInTheSameForm() throws {
    let bridge = DiscoveredDevice(
      family: .mcp2221, vendorID: 0x04D8, productID: 0x00DD, serial: "0001234567", portPath: "1-2", devNode: nil)
    #expect(try DeviceAddress(parsing: bridge.stableAddress).locator == .serial("0001234567"))
    // A relay's USB serial (if it has one at all) is not its board ID: discovery names it by port.
    let relay = DiscoveredDevice(
      family: .usbRelay, vendorID: 0x16C0, productID: 0x05DF, serial: "XYZ", portPath: "1-2", devNode: nil)
    #expect(try DeviceAddress(parsing: relay.stableAddress).locator == .port("1-2"))
  }
}
