import CLibUSB
import CUdev
import XCTest

/// Proves the system-library targets resolve their headers through pkg-config and link against
/// the Debian libraries. The driver layer builds its Swift wrappers on these two modules.
final class SystemLibraryLinkTests: XCTestCase {
  func testLibUSBInitialisesAContextAndReportsItsVersion() throws {
    var context: OpaquePointer?
    let status = libusb_init(&context)
    // A machine without a USB subsystem still lets libusb create a context (it finds no devices).
    XCTAssertEqual(status, Int32(LIBUSB_SUCCESS.rawValue), "libusb_init failed: \(status)")
    defer { if let context { libusb_exit(context) } }
    let version = try XCTUnwrap(libusb_get_version()).pointee
    XCTAssertEqual(version.major, 1)
    XCTAssertGreaterThanOrEqual(version.minor, 0)
  }

  func testLibUdevCreatesAContextAndAnEnumerator() throws {
    let udev = try XCTUnwrap(udev_new(), "udev_new returned NULL")
    defer { udev_unref(udev) }
    let enumerate = try XCTUnwrap(udev_enumerate_new(udev))
    defer { udev_enumerate_unref(enumerate) }
    XCTAssertEqual(udev_enumerate_add_match_subsystem(enumerate, "usb"), 0)
  }
}
