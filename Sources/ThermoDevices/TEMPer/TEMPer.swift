/// PCsensor TEMPer USB ambient thermometers (protocol reference §7): 8-byte HID reports on the
/// data interface; the firmware string decides how a measurement report decodes.
public enum TEMPer {
  public static let reportSize = 8
  public static let firmwareRequest: [UInt8] = [0x01, 0x86, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x00]
  public static let measurementRequest: [UInt8] = [0x01, 0x80, 0x33, 0x01, 0x00, 0x00, 0x00, 0x00]

  /// Firmware families with their decodings.
  public enum Firmware: Sendable, Equatable {
    /// TEMPerF1.x, TEMPer1F1.x, TEMPerV1.x (FM75 sensor): internal at bytes 2–3 (and an external
    /// probe at 4–5 on TEMPer2 models), /256.
    case fm75
    /// TEMPerGold_V3.x: internal at 2–3, /100.
    case gold
    /// TEMPerX_V3.x: internal 2–3, humidity 4–5, external 10–11, /100.
    case x
    /// TEMPer2_V3.7/3.9, TEMPerHUM_V3.9: internal 2–3, humidity 4–5, external 10–11, /100.
    case v3External
    /// TEMPer1F_H1V1.5F (SHT20): temperature and humidity by the sensor's formulas.
    case sht20

    /// Recognises the ASCII firmware ID the stick sends (over two or more reports).
    public init?(identifier: String) {
      let padding: Set<Character> = [" ", "\0", "\r", "\n"]
      let id = String(identifier.drop { padding.contains($0) }.reversed().drop { padding.contains($0) }.reversed())
      if id.hasPrefix("TEMPerGold_V3") {
        self = .gold
      } else if id.hasPrefix("TEMPerX_V3") {
        self = .x
      } else if id.hasPrefix("TEMPer2_V3") || id.hasPrefix("TEMPerHUM_V3") {
        self = .v3External
      } else if id.hasPrefix("TEMPer1F_H1V1") {
        self = .sht20
      } else if id.hasPrefix("TEMPerF1") || id.hasPrefix("TEMPer1F1") || id.hasPrefix("TEMPerV1") {
        self = .fm75
      } else {
        return nil
      }
    }
  }

  public struct Reading: Sendable, Equatable {
    public var internalC: Double
    public var externalC: Double?
    public var humidityPercent: Double?
  }

  public enum DecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    case shortReport(Int)
    case noSensor

    public var description: String {
      switch self {
      case .shortReport(let count): "TEMPer report of \(count) bytes, expected 8"
      case .noSensor: "TEMPer reports no internal sensor"
      }
    }
  }

  /// `4E 20` at an offset means "no sensor there".
  static let absent: UInt16 = 0x4E20

  public static func decode(_ report: [UInt8], firmware: Firmware) throws(DecodeError) -> Reading {
    guard report.count >= 4 else { throw .shortReport(report.count) }
    func raw(_ offset: Int) -> UInt16? {
      guard offset + 1 < report.count else { return nil }
      let value = UInt16(report[offset]) << 8 | UInt16(report[offset + 1])
      return value == absent ? nil : value
    }
    func scaled(_ offset: Int, _ divisor: Double) -> Double? {
      raw(offset).map { Double(Int16(bitPattern: $0)) / divisor }
    }
    switch firmware {
    case .fm75:
      guard let internalC = scaled(2, 256) else { throw .noSensor }
      return Reading(internalC: internalC, externalC: scaled(4, 256), humidityPercent: nil)
    case .gold:
      guard let internalC = scaled(2, 100) else { throw .noSensor }
      return Reading(internalC: internalC, externalC: nil, humidityPercent: nil)
    case .x, .v3External:
      guard let internalC = scaled(2, 100) else { throw .noSensor }
      return Reading(internalC: internalC, externalC: scaled(10, 100), humidityPercent: scaled(4, 100))
    case .sht20:
      guard let temperature = raw(2) else { throw .noSensor }
      let humidity = raw(4).map { -6 + 125 * Double(UInt32($0) << 4) / 65536 }
      return Reading(
        internalC: -46.85 + 175.72 * Double(UInt32(temperature) << 2) / 65536, externalC: nil,
        humidityPercent: humidity)
    }
  }
}
