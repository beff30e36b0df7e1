import ThermoDevices

/// The device side of a dcttech USBRelay board as its V-USB firmware behaves
/// (u1f35c/usb-relay-firmware `main.c`, pavel-a/usb-relay-hid `doc/hidrelay.md`): any SET_REPORT
/// is a command in data bytes 0–1, any GET_REPORT answers the 6-byte EEPROM ID (5 characters and
/// a NUL), a zero and the relay bitmap. With the faults a gate meets: stuck relays, an unplugged
/// board, a reply that is not a relay board's.
public struct USBRelayModel: HIDControlDeviceModel {
  public static let manufacturer = "www.dcttech.com"
  /// CMD_SET_SERIAL in the firmware and in darrylb/usbrelay `libusbrelay.h`.
  static let setSerialCommand: UInt8 = 0xFA

  public let channelCount: Int
  /// The ID as the EEPROM holds it: 5 characters, then a NUL.
  public private(set) var serialBytes: [UInt8]
  /// Bit 0 = channel 1.
  public private(set) var bitmap: UInt8 = 0
  /// Channels whose relay keeps its position whatever it is told.
  public var stuckChannels: Set<Int> = []
  /// Data stage returned to GET_REPORT instead of the state (a different device, a corrupt
  /// transfer).
  public var garbageReply: [UInt8]?
  public private(set) var isAttached = true

  /// A board with `channelCount` relays, latched as `bitmap` says, (1–8, clamped) and a 5-character ID (padded with NULs or
  /// cut to 5 bytes).
  public init(serial: String, channelCount: Int, bitmap: UInt8 = 0) {
    self.channelCount = min(max(channelCount, 1), USBRelay.channelLimit)
    self.bitmap = bitmap
    serialBytes = Array((Array(serial.utf8.prefix(USBRelay.serialLength)) + [0, 0, 0, 0, 0, 0]).prefix(6))
  }

  /// The USB product string the board announces.
  public var productString: String { "\(USBRelay.productPrefix)\(channelCount)" }

  public func isOn(_ channel: Int) -> Bool {
    (1...channelCount).contains(channel) && bitmap & mask(channel) != 0
  }

  /// Pulls the board: bus-powered relays drop out (pavel-a `doc/hidrelay.md`: the state is not
  /// remembered).
  public mutating func unplug() {
    isAttached = false
    bitmap = 0
  }

  public mutating func plugIn() {
    isAttached = true
  }

  /// The firmware accepts SET_REPORT of any type (u1f35c's `usbFunctionSetup` checks only the
  /// request), which is why darrylb/usbrelay can switch relays with an output report.
  public mutating func setReport(type: HIDReportType, id: UInt8, data: [UInt8]) -> Bool {
    guard isAttached else { return false }
    guard let command = data.first else { return true }
    let argument = data.count > 1 ? Int(data[1]) : 0
    switch command {
    case USBRelay.Command.on.rawValue: set([argument], on: true)
    case USBRelay.Command.off.rawValue: set([argument], on: false)
    case USBRelay.Command.allOn.rawValue: set(Array(1...channelCount), on: true)
    case USBRelay.Command.allOff.rawValue: set(Array(1...channelCount), on: false)
    case Self.setSerialCommand:
      serialBytes = Array((Array(data.dropFirst()) + [0, 0, 0, 0, 0, 0]).prefix(6))
    default: break
    }
    return true
  }

  public mutating func getReport(type: HIDReportType, id: UInt8, length: Int) -> [UInt8]? {
    guard isAttached else { return nil }
    let data = garbageReply ?? serialBytes + [0, bitmap]
    return Array(data.prefix(max(length, 0)))
  }

  private mutating func set(_ channels: [Int], on: Bool) {
    for channel in channels where (1...channelCount).contains(channel) && !stuckChannels.contains(channel) {
      bitmap = on ? bitmap | mask(channel) : bitmap & ~mask(channel)
    }
  }

  private func mask(_ channel: Int) -> UInt8 { 1 << UInt8(channel - 1) }
}
