/// SMBus Packet Error Code: CRC-8 with polynomial x⁸+x²+x+1 (0x07), MSB first, initial value 0,
/// over every address, command and data byte of a transaction (not START/STOP/ACK bits).
public enum SMBusPEC {
  private static let table: [UInt8] = (0...255).map { value in
    var crc = UInt8(value)
    for _ in 0..<8 { crc = crc & 0x80 != 0 ? (crc << 1) ^ 0x07 : crc << 1 }
    return crc
  }

  public static func compute<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt8 {
    var crc: UInt8 = 0
    for byte in bytes { crc = table[Int(crc ^ byte)] }
    return crc
  }
}
