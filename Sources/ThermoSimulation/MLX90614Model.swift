import ThermoDevices

/// The sensor side of an MLX90614: what it answers to a Read Word, including its faults.
public struct MLX90614Model: Sendable {
  public var address: UInt8 = MLX90614.defaultAddress
  public var objectC: Double
  public var ambientC: Double
  public var emissivityWord: UInt16 = 0xFFFF
  /// Sets bit 15 in temperature words, as the part does when a reading is invalid.
  public var errorFlag = false
  /// Sends a wrong PEC (a noisy bus), to exercise the driver's PEC policy.
  public var corruptsPEC = false

  public init(objectC: Double, ambientC: Double) {
    self.objectC = objectC
    self.ambientC = ambientC
  }

  /// The word in a RAM or EEPROM cell, or nil for a command the model does not implement.
  public func word(for command: UInt8) -> UInt16? {
    let flag: UInt16 = errorFlag ? 0x8000 : 0
    switch MLX90614.Command(rawValue: command) {
    case .ambientTemperature: return MLX90614.temperatureWord(celsius: ambientC) | flag
    case .objectTemperature1, .objectTemperature2: return MLX90614.temperatureWord(celsius: objectC) | flag
    case .emissivity: return emissivityWord
    case .smbusAddress: return UInt16(address)
    default: return nil
    }
  }

  /// EEPROM writes the part took (erases included), for tests.
  public private(set) var eepromWrites = 0

  /// A Write Word (command, LSB, MSB, PEC) as the part takes it. Only the emissivity cell is
  /// modelled. A wrong PEC leaves the cell alone, as on the part; an EEPROM cell written without
  /// an erase keeps only the bits both values share (EEPROM writes can only clear bits), which
  /// is why the application note erases first.
  @discardableResult
  public mutating func writeWord(address requested: UInt8, payload: [UInt8]) -> Bool {
    guard requested == address || requested == 0, payload.count == 4,
      payload[0] == MLX90614.Command.emissivity.rawValue
    else { return false }
    let word = UInt16(payload[2]) << 8 | UInt16(payload[1])
    guard MLX90614.writeWordPayload(address: requested, command: payload[0], word: word)[3] == payload[3] else {
      return true
    }
    eepromWrites += 1
    emissivityWord = word == 0 ? 0 : (emissivityWord == 0 ? word : emissivityWord & word)
    return true
  }

  /// LSB, MSB and PEC of a Read Word addressed to `address` (0x00 reaches every part), or nil
  /// when the part does not acknowledge.
  public func readWordReply(address requested: UInt8, command: UInt8) -> [UInt8]? {
    guard requested == address || requested == 0, let word = word(for: command) else { return nil }
    let pec = MLX90614.readPEC(address: requested, command: command, word: word)
    return [UInt8(word & 0xFF), UInt8(word >> 8), corruptsPEC ? pec ^ 0x01 : pec]
  }
}
