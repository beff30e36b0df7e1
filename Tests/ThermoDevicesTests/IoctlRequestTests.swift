import Testing

@testable import ThermoDevices

/// The computed request numbers against the hex that linux/input.h and asm-generic/ioctls.h
/// produce on x86_64 and arm64.
@Suite struct IoctlRequestTests {
  @Test func evdevGrabIsTheKernelsNumber() {
    #expect(EvdevBadgeReader.grabRequest.rawValue == 0x4004_4590)
    #expect(IoctlRequest.write(type: "E", number: 0x90, Int32.self) == IoctlRequest(rawValue: 0x4004_4590))
  }

  @Test func evdevClockChoiceIsTheKernelsNumber() {
    #expect(EvdevBadgeReader.clockRequest.rawValue == 0x4004_45A0)  // EVIOCSCLOCKID
  }

  @Test func pseudoTerminalRequestsAreTheKernelsNumbers() {
    #expect(IoctlRequest.write(type: "T", number: 0x31, CInt.self).rawValue == 0x4004_5431)  // TIOCSPTLCK
    #expect(IoctlRequest.read(type: "T", number: 0x30, CUnsignedInt.self).rawValue == 0x8004_5430)  // TIOCGPTN
  }

  @Test func theFieldsLandInTheirBits() {
    #expect(IoctlRequest(.none, type: 0x54, number: 0x01, size: 0).rawValue == 0x5401)
    #expect(IoctlRequest(.readWrite, type: 0xFF, number: 0xFF, size: (1 << 14) - 1).rawValue == 0xFFFF_FFFF)
  }
}
