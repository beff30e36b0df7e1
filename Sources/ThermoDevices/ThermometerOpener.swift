import ThermoCore

/// Opens the thermometer a device address names on the gate box's hardware — a USB bridge or a
/// serial head — as `any Thermometer`, so the CLI and the daemon never care which.
public struct ThermometerOpener: ThermometerOpening {
  private let usb: USBContext?

  public init(usb: USBContext? = nil) {
    self.usb = usb
  }

  public func openThermometer(_ address: DeviceAddress) throws(DeviceFault) -> any Thermometer {
    let options = address.options
    let smbusAddress = address.integerOption("address").map(UInt8.init) ?? MLX90614.defaultAddress
    let pecPolicy = options["pec"].flatMap(MLX90614.PECPolicy.init(rawValue:)) ?? .reject

    switch (address.driver, address.locator) {
    case (.sim, _):
      throw DeviceFault(
        kind: .protocolError, message: "\(address): a simulated device; this gateway opens hardware only")
    case (.optris, .path(let path)):
      let family: OptrisThermometer<SerialPort>.Family = options["family"] == "ct" ? .ct : .cs
      // CS heads run at 9600 baud; CT heads leave the factory at 115200 (reference §5).
      let port = try serialPort(path, baud: address.integerOption("baud") ?? (family == .ct ? 115200 : 9600))
      return OptrisThermometer(stream: port, family: family)
    case (.pyrousb, .path(let path)):
      let port = try serialPort(path, baud: address.integerOption("baud") ?? 9600)
      return PyroUSBThermometer(stream: port, address: UInt8(address.integerOption("address") ?? 1))
    case (.mcp2221, let locator):
      var bridge = MCP2221Bridge(transport: try usbTransport(.mcp2221, locator: locator, interface: 2))
      try Self.slowDown(&bridge)
      return MLX90614Thermometer(bridge: bridge, address: smbusAddress, pecPolicy: pecPolicy)
    case (.cp2112, let locator):
      let transport = try usbTransport(.cp2112, locator: locator, interface: 0)
      return MLX90614Thermometer(
        bridge: CP2112Bridge(transport: transport), address: smbusAddress, pecPolicy: pecPolicy)
    case (.temper, let locator):
      // Interface 0 types text when its button is pressed; the data interface is 1.
      return TEMPerSensor(transport: try usbTransport(.temper, locator: locator, interface: 1, reportLength: 8))
    default:
      throw DeviceFault(
        kind: .protocolError, message: "\(address): not a thermometer (a relay is a gate output)")
    }
  }

  /// The MLX90614 is specified for 100 kHz; the kernel leaves the MCP2221 at 400 kHz.
  public static func slowDown<Transport: ReportTransport>(_ bridge: inout MCP2221Bridge<Transport>)
    throws(DeviceFault)
  {
    do { try bridge.setBusSpeed(hertz: 100_000) } catch .transport(let error) { throw DeviceFault(error) } catch {
      throw DeviceFault(kind: .protocolError, message: "setting the I2C clock: \(error)")
    }
  }

  private func serialPort(_ path: String, baud: Int) throws(DeviceFault) -> SerialPort {
    do {
      return try SerialPort(path: path, settings: SerialSettings(baud: baud))
    } catch {
      let kind: DeviceFault.Kind =
        switch error {
        case .busy: .busy
        case .open(_, .permissionDenied): .access
        case .open(_, .noSuchFileOrDirectory), .open(_, .noSuchAddressOrDevice),
          .open(_, .operationNotSupportedByDevice):
          .disconnected
        // Wrong settings or not a serial port: reopening cannot help.
        case .unsupportedBaud, .notATerminal: .protocolError
        default: .io
        }
      throw DeviceFault(kind: kind, message: error.description)
    }
  }

  private func usbTransport(
    _ family: DeviceFamily, locator: DeviceAddress.Locator, interface: Int32, reportLength: Int = 64
  ) throws(DeviceFault) -> USBHIDTransport {
    guard let usb else { throw DeviceFault(kind: .io, message: "USB is not available in this process") }
    var lastError: USBError?
    for ids in family.usbIDs {
      do throws(USBError) {
        let handle: USBDeviceHandle
        switch locator {
        case .serial(let serial):
          handle = try usb.open(VendorProduct(vendorID: ids.vendor, productID: ids.product), serialNumber: serial)
        case .port(let port):
          handle = try usb.open(VendorProduct(vendorID: ids.vendor, productID: ids.product), portPath: port)
        default:
          throw USBError(status: -2, operation: "name a USB device by serial=… or port=…")
        }
        return try USBHIDTransport(device: handle, interface: interface, reportLength: reportLength)
      } catch {
        lastError = error
      }
    }
    let error = lastError ?? USBError(status: -5, operation: "find a \(family.rawValue)")
    // Not plugged in (yet) is the same to the supervisor as unplugged: wait and reopen.
    if error.code == .notFound { throw DeviceFault(kind: .disconnected, message: error.description) }
    throw DeviceFault(.usb(error))
  }
}
