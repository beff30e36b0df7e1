import ThermoDevices

/// The data interface of a TEMPer stick: its firmware string over 8-byte reports, and
/// measurement reports encoded the way that firmware encodes them.
public struct TEMPerModel: ReportDeviceModel {
  public var firmwareIdentifier: String
  public var internalC: Double
  public var externalC: Double?
  public var humidityPercent: Double?

  public init(firmwareIdentifier: String, internalC: Double) {
    self.firmwareIdentifier = firmwareIdentifier
    self.internalC = internalC
  }

  public mutating func handle(_ out: [UInt8]) -> [[UInt8]] {
    switch Array(out.prefix(4)) {
    case Array(TEMPer.firmwareRequest.prefix(4)):
      let bytes = Array(firmwareIdentifier.utf8)
      return stride(from: 0, to: bytes.count, by: 8).map { start in
        let chunk = Array(bytes[start..<min(start + 8, bytes.count)])
        return chunk + [UInt8](repeating: 0x20, count: 8 - chunk.count)
      }
    case Array(TEMPer.measurementRequest.prefix(4)):
      // Sticks send 8-byte reports; longer answers (an external probe's) span several.
      let bytes = measurement()
      return stride(from: 0, to: bytes.count, by: 8).map { start in
        let chunk = Array(bytes[start..<min(start + 8, bytes.count)])
        return chunk + [UInt8](repeating: 0, count: 8 - chunk.count)
      }
    default:
      return []
    }
  }

  private func measurement() -> [UInt8] {
    let firmware = TEMPer.Firmware(identifier: firmwareIdentifier) ?? .gold
    var report: [UInt8] = [0x80, 0x04, 0, 0, 0x4E, 0x20, 0, 0]
    func put(_ value: Double?, _ divisor: Double, at offset: Int) {
      guard let value else { return }
      let word = UInt16(bitPattern: Int16((value * divisor).rounded()))
      while report.count < offset + 2 { report.append(0) }
      report[offset] = UInt8(word >> 8)
      report[offset + 1] = UInt8(word & 0xFF)
    }
    switch firmware {
    case .fm75:
      put(internalC, 256, at: 2)
      put(externalC, 256, at: 4)
    case .gold:
      put(internalC, 100, at: 2)
    case .x, .v3External:
      put(internalC, 100, at: 2)
      put(humidityPercent, 100, at: 4)
      if externalC != nil { report += [0, 0, 0, 0, 0, 0] }
      put(externalC, 100, at: 10)
    case .sht20:
      let raw = UInt16(((internalC + 46.85) / 175.72 * 65536 / 4).rounded())
      report[2] = UInt8(raw >> 8)
      report[3] = UInt8(raw & 0xFF)
    }
    return report
  }
}
