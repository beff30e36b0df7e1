/// The Melexis MLX90614 SMBus infrared thermometer: commands, word framing with PEC, and the
/// conversions between its 16-bit words and temperatures or emissivity. Byte-level facts are from
/// `shared/docs/usb-thermometer-protocols.md` §3 (datasheet and application note AN-614).
///
/// Pure values: the bridge drivers (MCP2221, CP2112) move the bytes; this type says what they mean.
public enum MLX90614 {
  /// Factory SMBus address; every part also answers address 0x00.
  public static let defaultAddress: UInt8 = 0x5A

  /// RAM and EEPROM cells the gateway reads or writes (command byte = cell address).
  public enum Command: UInt8, Sendable, CaseIterable {
    case ambientTemperature = 0x06
    case objectTemperature1 = 0x07
    case objectTemperature2 = 0x08
    case emissivity = 0x24
    case configuration1 = 0x25
    case smbusAddress = 0x2E
    case flags = 0xF0
  }

  /// What a Read Word reply can say is wrong.
  public enum WordError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The PEC byte does not match the transaction's bytes.
    case pecMismatch(expected: UInt8, received: UInt8)
    /// Bit 15 of a temperature word: the sensor flags the reading as invalid.
    case errorFlag(word: UInt16)

    public var description: String {
      switch self {
      case .pecMismatch(let expected, let received):
        "MLX90614 PEC mismatch: computed 0x\(hex(expected)), received 0x\(hex(received))"
      case .errorFlag(let word): "MLX90614 error flag set in word 0x\(hex(word))"
      }
    }
  }

  /// What to do when a Read Word's PEC does not match. The kernel driver does not check PEC on
  /// reads at all ("the part does not send us a valid PEC"), so the choice is configurable until
  /// it is settled on hardware.
  public enum PECPolicy: String, Sendable, CaseIterable {
    /// Refuse the word (the caller retries or counts an error).
    case reject
    /// Accept the word and let the caller log the mismatch.
    case accept
  }

  /// 7-bit address as it goes on the wire for a write (`SA_W`) and a read (`SA_R`).
  public static func writeAddressByte(_ address: UInt8) -> UInt8 { address << 1 }
  public static func readAddressByte(_ address: UInt8) -> UInt8 { address << 1 | 1 }

  /// PEC of a Read Word: over SA_W, command, SA_R, LSB, MSB.
  public static func readPEC(address: UInt8, command: UInt8, word: UInt16) -> UInt8 {
    SMBusPEC.compute([
      writeAddressByte(address), command, readAddressByte(address), UInt8(word & 0xFF), UInt8(word >> 8),
    ])
  }

  /// The bytes of a Write Word after the address: command, LSB, MSB, PEC (PEC over SA_W too).
  public static func writeWordPayload(address: UInt8, command: UInt8, word: UInt16) -> [UInt8] {
    let body = [command, UInt8(word & 0xFF), UInt8(word >> 8)]
    return body + [SMBusPEC.compute([writeAddressByte(address)] + body)]
  }

  /// Checks the three bytes a Read Word returns (LSB, MSB, PEC) and gives the word.
  public static func word(
    fromReply reply: (lsb: UInt8, msb: UInt8, pec: UInt8), address: UInt8, command: UInt8, policy: PECPolicy
  ) throws(WordError) -> (word: UInt16, pecMatched: Bool) {
    let word = UInt16(reply.msb) << 8 | UInt16(reply.lsb)
    let expected = readPEC(address: address, command: command, word: word)
    let matched = expected == reply.pec
    if !matched, policy == .reject { throw .pecMismatch(expected: expected, received: reply.pec) }
    return (word, matched)
  }

  /// A temperature word in °C (0.02 K per LSB); bit 15 set means the sensor flagged the reading.
  public static func celsius(fromTemperatureWord word: UInt16) throws(WordError) -> Double {
    guard word & 0x8000 == 0 else { throw .errorFlag(word: word) }
    return Double(word) * 0.02 - 273.15
  }

  /// The temperature word a sensor would send for `celsius` (for simulators), rounded to 0.02 K.
  public static func temperatureWord(celsius: Double) -> UInt16 {
    let raw = ((celsius + 273.15) / 0.02).rounded()
    return UInt16(clamping: Int(max(0, min(raw, 0x7FFF))))
  }

  /// Emissivity cell value: round(65535 × ε), ε in (0, 1].
  public static func emissivityWord(_ emissivity: Double) -> UInt16? {
    guard emissivity > 0, emissivity <= 1 else { return nil }
    return UInt16((65535 * emissivity).rounded())
  }

  public static func emissivity(fromWord word: UInt16) -> Double { Double(word) / 65535 }
}

func hex<T: FixedWidthInteger>(_ value: T) -> String {
  let digits = String(value, radix: 16, uppercase: true)
  return String(repeating: "0", count: max(0, MemoryLayout<T>.size * 2 - digits.count)) + digits
}
