import Testing

@testable import ThermoDevices

/// What can be proven of the libusb layer on a machine with no USB bus: the context, listing,
/// typed errors for devices that are not there, hot-plug registration and teardown. Transfers
/// to real devices are exercised in the HIL virtual machine (issue 7).
@Suite(.timeLimit(.minutes(1))) struct USBContextTests {
  @Test func aContextListsNoDevicesOnAMachineWithoutUSB() throws {
    let context = try USBContext()
    let devices = try context.devices()
    // This machine has no USB subsystem; on one with USB, every listed device has a port path.
    #expect(devices.allSatisfy { $0.portPath.hasPrefix("\($0.bus)-") })
    #expect(try context.devices(matching: [VendorProduct(vendorID: 0x04D8, productID: 0x00DD)]).isEmpty)
  }

  @Test func openingADeviceThatIsNotThereIsATypedNotFoundThatNamesIt() throws {
    let context = try USBContext()
    do {
      _ = try context.open(VendorProduct(vendorID: 0x04D8, productID: 0x00DD), serialNumber: "0001234567")
      Issue.record("opened a device that does not exist")
    } catch {
      #expect(error.code == .notFound)
      #expect(error.operation.contains("04d8:00dd"))
      #expect(error.operation.contains("0001234567"))
      #expect(DeviceFault(USBHIDTransport.transportError(error)).kind == .io)
    }
  }

  @Test func hotplugStreamsEndWhenTheContextGoes() async throws {
    var context: USBContext? = try USBContext()
    guard let stream = try context?.hotplugEvents(matching: VendorProduct(vendorID: 0x04D8, productID: 0x00DD))
    else { return }
    let collector = Task {
      var events: [USBHotplugEvent] = []
      for await event in stream { events.append(event) }
      return events
    }
    context = nil
    // Nothing is plugged in here, so the stream ends empty — and it does end.
    #expect(await collector.value.isEmpty)
  }

  @Test func interruptEndpointsArePickedByDirectionAndType() {
    // MCP2221 interface 2: 0x83 interrupt IN, 0x03 interrupt OUT.
    let mcp = HIDEndpoints.interrupt([(0x83, 0x03), (0x03, 0x03)])
    #expect(mcp.in == 0x83 && mcp.out == 0x03)
    // A bulk endpoint is not a HID report pipe; TEMPer's data interface has IN only.
    let temper = HIDEndpoints.interrupt([(0x02, 0x02), (0x82, 0x03)])
    #expect(temper.in == 0x82 && temper.out == nil)
  }

  @Test func transferTimeoutsNeverBecomeLibusbsWaitForever() {
    #expect(USBDeviceHandle.milliseconds(.zero) == 1)
    #expect(USBDeviceHandle.milliseconds(.milliseconds(250)) == 250)
    #expect(USBDeviceHandle.milliseconds(.seconds(2)) == 2000)
  }

  @Test func usbTimeoutsAndUnplugsBecomeTheTransportsOwnErrors() {
    #expect(USBHIDTransport.transportError(USBError(status: -7, operation: "read")) == .timeout)
    #expect(USBHIDTransport.transportError(USBError(status: -4, operation: "read")) == .disconnected)
    #expect(
      USBHIDTransport.transportError(USBError(status: -9, operation: "write"))
        == .usb(USBError(status: -9, operation: "write")))
  }
}
