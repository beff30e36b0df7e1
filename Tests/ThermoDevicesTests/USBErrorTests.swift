import CLibUSB
import Testing

@testable import ThermoDevices

@Suite struct USBErrorTests {
  /// Checked against libusb's own names for its codes, so a renumbering could not slip through.
  @Test func everyLibusbErrorMapsToItsOwnCode() {
    let expected: [(Int32, USBError.Code, String)] = [
      (-1, .io, "LIBUSB_ERROR_IO"), (-2, .invalidParameter, "LIBUSB_ERROR_INVALID_PARAM"),
      (-3, .access, "LIBUSB_ERROR_ACCESS"), (-4, .noDevice, "LIBUSB_ERROR_NO_DEVICE"),
      (-5, .notFound, "LIBUSB_ERROR_NOT_FOUND"), (-6, .busy, "LIBUSB_ERROR_BUSY"),
      (-7, .timeout, "LIBUSB_ERROR_TIMEOUT"), (-8, .overflow, "LIBUSB_ERROR_OVERFLOW"),
      (-9, .pipe, "LIBUSB_ERROR_PIPE"), (-10, .interrupted, "LIBUSB_ERROR_INTERRUPTED"),
      (-11, .noMemory, "LIBUSB_ERROR_NO_MEM"), (-12, .notSupported, "LIBUSB_ERROR_NOT_SUPPORTED"),
      (-99, .other, "LIBUSB_ERROR_OTHER"),
    ]
    for (status, code, name) in expected {
      #expect(String(cString: libusb_error_name(status)) == name)
      #expect(USBError(status: status, operation: "test").code == code, "\(name)")
    }
    #expect(Set(expected.map(\.1)) == Set(USBError.Code.allCases))
  }

  @Test func checkPassesCountsAndThrowsTypedErrorsNamingTheOperation() throws {
    #expect(try USBError.check(64, "read report") == 64)
    do {
      try USBError.check(-4, "claim interface 2 of 04d8:00dd")
      Issue.record("a negative status passed")
    } catch {
      #expect(error.code == .noDevice)
      #expect(
        error.description.hasPrefix("claim interface 2 of 04d8:00dd: noDevice (libusb -4); the device was unplugged"))
    }
  }
}
