import Foundation
import Testing

@testable import ThermoDevices

/// libudev against this machine's real sysfs. There is no USB subsystem here, so the check
/// uses the memory devices every Linux has; the USB path is exercised in the VM rig (issue 7).
@Suite struct UdevEnumeratorTests {
  @Test func theMemoryDevicesAreListedWithNodesAndKernelProperties() throws {
    let devices = try UdevEnumerator.devices(subsystem: "mem", attributes: ["dev", "no_such_attribute"])
    let null = try #require(devices.first { $0.sysName == "null" })
    #expect(null.devNode == "/dev/null")
    #expect(null.subsystem == "mem")
    #expect(null.sysPath.hasSuffix("/null"))
    #expect(null.properties["DEVNAME"] == "/dev/null" || null.properties["DEVNAME"] == "null")
    #expect(null.properties["MAJOR"] == "1")
    #expect(null.attributes["dev"] == "1:3")
    #expect(null.attributes["no_such_attribute"] == nil)
    // The same list sysfs has, so nothing was dropped or invented.
    let sysfs = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/mem").sorted()
    #expect(devices.map(\.sysName).sorted() == sysfs)
  }

  @Test func anUnknownSubsystemIsEmptyNotAnError() throws {
    #expect(try UdevEnumerator.devices(subsystem: "thermogate-no-such-subsystem").isEmpty)
  }
}
