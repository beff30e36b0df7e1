import ThermoDevices

/// The device side of an Optris CT/CS head on its serial line. Unknown commands get silence (the
/// manuals document no error reply).
public struct OptrisModel: ByteStreamDeviceModel {
  public var targetC: Double
  public var headC: Double
  public var emissivity = 0.950
  public var serialNumber = 0x12_3456
  public var highResolution = false
  /// CT family: SET commands must carry the XOR checksum while this is on.
  public var requiresChecksum = false

  public init(targetC: Double, headC: Double) {
    self.targetC = targetC
    self.headC = headC
  }

  private func encoded(_ celsius: Double) -> [UInt8] {
    let value = highResolution ? Int((celsius * 100).rounded()) + 10000 : Int((celsius * 10).rounded()) + 1000
    let word = UInt16(clamping: value)
    return [UInt8(word >> 8), UInt8(word & 0xFF)]
  }

  public mutating func handle(_ bytes: [UInt8]) -> [UInt8] {
    var command = bytes
    // RS485 address prefix: a USB unit answers any address.
    if let first = command.first, (0xB0...0xBF).contains(first) { command.removeFirst() }
    guard let code = command.first else { return [] }
    switch code {
    case 0x01: return encoded(targetC)
    case 0x02: return encoded(headC)
    case 0x04:
      let value = UInt16((emissivity * 1000).rounded())
      return [UInt8(value >> 8), UInt8(value & 0xFF)]
    case 0x0E: return [UInt8(serialNumber >> 16 & 0xFF), UInt8(serialNumber >> 8 & 0xFF), UInt8(serialNumber & 0xFF)]
    case 0x84:
      let expectedLength = requiresChecksum ? 4 : 3
      guard command.count == expectedLength else { return [] }
      if requiresChecksum, command[3] != command[0] ^ command[1] ^ command[2] { return [] }
      emissivity = Double(Int(command[1]) << 8 | Int(command[2])) / 1000
      return [command[1], command[2]]
    case 0xAD:
      // Checksums off takes its own checksum while they are on (AD XOR nothing = AD); no reply.
      if !requiresChecksum || command == [0xAD, 0xAD] { requiresChecksum = false }
      return []
    default: return []
    }
  }
}
