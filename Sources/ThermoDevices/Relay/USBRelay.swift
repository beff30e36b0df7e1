/// The dcttech "USBRelay1/2/4/8" HID relay boards (V-USB firmware, 16c0:05df): one 8-byte
/// feature report without a report ID, written to switch relays and read for the board's
/// 5-character ID and the relay states.
///
/// Sources, cited so that hardware notes can be checked against them:
/// - command bytes 0xFF/0xFD (one channel on/off, channel number in the next byte) and
///   0xFE/0xFC (all on/off): pavel-a/usb-relay-hid `lib/usb_relay_lib.c` (`rel_onoff`),
///   darrylb/usbrelay `libusbrelay.h`, u1f35c/usb-relay-firmware `main.c`;
/// - report ID 0 in front of 8 data bytes, 9 bytes in all: `rel_onoff` and
///   `rel_read_status_raw` (pavel-a), `operate_relay` (darrylb);
/// - the reply: ID at data bytes 0–4, a NUL at 5, relay states at 7 (bit 0 = channel 1):
///   `rel_read_status_raw` and `enumfunc` (pavel-a), `get_board_features` (darrylb),
///   `usbFunctionRead` (u1f35c);
/// - the channel count is the number after "USBRelay" in the product string: `enumfunc`
///   (pavel-a, one digit 1–8), `enumerate_relay_boards` (darrylb).
public enum USBRelay {
  public static let vendorID: UInt16 = 0x16C0
  public static let productID: UInt16 = 0x05DF
  public static let productPrefix = "USBRelay"
  /// The boards have no numbered reports.
  public static let reportID: UInt8 = 0
  public static let dataLength = 8
  /// Data bytes plus the report ID, as hidapi and hidraw move them.
  public static let reportLength = dataLength + 1
  public static let serialLength = 5
  /// The state byte holds one bit per relay, so no board has more than eight.
  public static let channelLimit = 8

  public enum Command: UInt8, Sendable {
    case on = 0xFF
    case off = 0xFD
    case allOn = 0xFE
    case allOff = 0xFC
  }

  /// How the GET_REPORT reply is laid out. Only the standard layout is confirmed by the sources;
  /// the switches exist for what a transport or a board might do differently.
  public struct ReplyLayout: Sendable, Equatable {
    /// The reply starts with the report ID (hidapi, and the transport contract). hidraw asked for
    /// report number 1, darrylb/usbrelay's workaround, returns the 8 data bytes alone.
    public var leadingReportID: Bool
    /// Data byte 5 must be 0, ending the ID, as pavel-a/usb-relay-hid checks. Off, a board whose
    /// EEPROM ID got damaged (pavel-a issue #39) still reads.
    public var requiresSerialTerminator: Bool

    public init(leadingReportID: Bool = true, requiresSerialTerminator: Bool = true) {
      self.leadingReportID = leadingReportID
      self.requiresSerialTerminator = requiresSerialTerminator
    }

    public static let standard = ReplyLayout()
  }

  /// What the board reported: its ID and which relays are on.
  public struct State: Sendable, Equatable {
    /// The five ID bytes as read; real boards have shown non-ASCII bytes here.
    public var serialBytes: [UInt8]
    /// The state byte as read, bit 0 = channel 1.
    public var bitmap: UInt8
    public var channelCount: Int

    public init(serialBytes: [UInt8], bitmap: UInt8, channelCount: Int) {
      self.serialBytes = serialBytes
      self.bitmap = bitmap
      self.channelCount = channelCount
    }

    /// The ID as text; a byte that is not printable ASCII shows as `\xHH`, so a damaged ID is
    /// visible in a log instead of garbling it.
    public var serial: String {
      serialBytes.map { byte in
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + hex(byte)
      }.joined()
    }

    /// On/off per channel, channel 1 first. Bits above the channel count are left out: what a
    /// board reports there is not documented.
    public var channels: [Bool] { (0..<max(0, min(channelCount, channelLimit))).map { isOn($0 + 1) } }

    public func isOn(_ channel: Int) -> Bool {
      (1...channelLimit).contains(channel) && bitmap & (1 << (channel - 1)) != 0
    }
  }

  public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownProduct(String)
    case channelOutOfRange(channel: Int, channelCount: Int)
    case wrongLength(count: Int, expected: Int)
    case wrongReportID(UInt8)
    case unterminatedSerial([UInt8])

    public var description: String {
      switch self {
      case .unknownProduct(let product):
        "product string '\(product)' is not a relay board's: expected USBRelay1 to USBRelay\(channelLimit)"
      case .channelOutOfRange(let channel, let count):
        "relay channel \(channel) does not exist on a \(count)-channel board; valid channels are "
          + (count == 1 ? "1" : "1–\(count)")
      case .wrongLength(let count, let expected):
        "relay board state reply of \(count) bytes, expected \(expected)"
      case .wrongReportID(let id):
        "relay board state reply with report ID 0x\(hex(id)), expected 0x00"
      case .unterminatedSerial(let bytes):
        "relay board state reply has no NUL after its ID (bytes \(bytes.map(hex).joined(separator: " "))): "
          + "not a USBRelay reply"
      }
    }
  }

  /// The channel count a product string announces ("USBRelay4" → 4).
  public static func channelCount(product: String) throws(ReportError) -> Int {
    guard product.hasPrefix(productPrefix) else { throw .unknownProduct(product) }
    let digits = product.dropFirst(productPrefix.count)
    guard !digits.isEmpty, digits.count <= 2, digits.allSatisfy({ ("0"..."9").contains($0) }), let count = Int(digits),
      (1...channelLimit).contains(count)
    else { throw .unknownProduct(product) }
    return count
  }

  /// The report that switches one channel (1-based).
  public static func switchReport(channel: Int, on: Bool, channelCount: Int) throws(ReportError) -> [UInt8] {
    guard (1...max(1, min(channelCount, channelLimit))).contains(channel) else {
      throw .channelOutOfRange(channel: channel, channelCount: channelCount)
    }
    return report(on ? .on : .off, UInt8(channel))
  }

  /// The report that switches every channel at once.
  public static func switchAllReport(on: Bool) -> [UInt8] {
    report(on ? .allOn : .allOff, 0)
  }

  /// Reads a GET_REPORT reply (the bytes `getFeature(reportID: 0, length: reportLength)` returns).
  public static func parseState(_ reply: [UInt8], channelCount: Int, layout: ReplyLayout = .standard)
    throws(ReportError) -> State
  {
    let expected = layout.leadingReportID ? reportLength : dataLength
    guard reply.count == expected else { throw .wrongLength(count: reply.count, expected: expected) }
    if layout.leadingReportID, reply[0] != reportID { throw .wrongReportID(reply[0]) }
    let data = Array(reply.suffix(dataLength))
    if layout.requiresSerialTerminator, data[serialLength] != 0 {
      throw .unterminatedSerial(Array(data.prefix(serialLength + 1)))
    }
    return State(serialBytes: Array(data.prefix(serialLength)), bitmap: data[7], channelCount: channelCount)
  }

  private static func report(_ command: Command, _ argument: UInt8) -> [UInt8] {
    var report = [UInt8](repeating: 0, count: reportLength)
    report[0] = reportID
    report[1] = command.rawValue
    report[2] = argument
    return report
  }
}

private func hex(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF")
  return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
