import ThermoDevices

/// The device side of a Calex PyroUSB: a Modbus RTU slave with the sensor's register map.
public struct PyroUSBModel: ByteStreamDeviceModel {
  public var address: UInt8 = 1
  public var objectC: Double
  public var sensorC: Double
  public var measurementError = false
  public var emissivity = 0.95
  /// Sends replies with a broken CRC (line noise).
  public var corruptsCRC = false

  public init(objectC: Double, sensorC: Double) {
    self.objectC = objectC
    self.sensorC = sensorC
  }

  private static func tenths(_ celsius: Double) -> UInt16 { UInt16(bitPattern: Int16((celsius * 10).rounded())) }

  func word(at number: UInt16) -> UInt16? {
    switch number {
    case 0x00: 22  // PUA2
    case 0x05: UInt16(address)
    case 0x08, 0x18: UInt16((emissivity * 10_000).rounded())
    case 0x0F, 0x10, 0x11, 0x12, 0x13: Self.tenths(objectC)
    case 0x14: Self.tenths(sensorC)
    case 0x15: measurementError ? 0x01 : 0x00
    default: nil
    }
  }

  /// The reply to one request frame; empty when the frame is not for this slave or is damaged
  /// (a Modbus slave stays silent then).
  public mutating func handle(_ request: [UInt8]) -> [UInt8] {
    guard request.count == 8, let body = try? ModbusRTU.checkedBody(request),
      body[0] == address || body[0] == 255
    else { return [] }
    let function = body[1]
    let first = UInt16(body[2]) << 8 | UInt16(body[3])
    let value = UInt16(body[4]) << 8 | UInt16(body[5])
    var reply: [UInt8]
    switch function {
    case 0x03, 0x04:
      let words: [UInt16] = (0..<value).compactMap { word(at: first + $0) }
      guard value >= 1, value <= 125, words.count == Int(value) else {
        reply = [body[0], function | 0x80, 0x02]
        break
      }
      var data: [UInt8] = []
      for word in words { data += [UInt8(word >> 8), UInt8(word & 0xFF)] }
      reply = [body[0], function, UInt8(value * 2)] + data
    case 0x06 where first == 0x08 || first == 0x18:
      guard (1000...10_000).contains(value) else {
        reply = [body[0], function | 0x80, 0x03]
        break
      }
      emissivity = Double(value) / 10_000
      reply = body
    case 0x06:
      reply = [body[0], function | 0x80, 0x02]
    default:
      reply = [body[0], function | 0x80, 0x01]
    }
    var framed = ModbusRTU.frame(reply)
    if corruptsCRC { framed[framed.count - 1] ^= 0xFF }
    return framed
  }
}
