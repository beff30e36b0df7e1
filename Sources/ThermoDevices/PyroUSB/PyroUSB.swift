import ThermoCore

public enum PyroUSBError: Error, Sendable, Equatable, CustomStringConvertible {
  case transport(TransportError)
  case modbus(ModbusRTU.Failure)
  case outOfRange(String)

  public var description: String {
    switch self {
    case .transport(let error): error.description
    case .modbus(let error): error.description
    case .outOfRange(let what): "PyroUSB: \(what) out of range (0.1–1.0)"
    }
  }
}

/// The Calex PyroUSB infrared sensor over Modbus RTU (9600 8N1, slave address 1 by default;
/// temperatures in tenths of a degree, treated as signed).
public struct PyroUSBThermometer<Stream: ByteStreamTransport> {
  public enum Register: UInt16, Sendable {
    case sensorType = 0x00
    case emissivity = 0x08
    case filteredTemperature = 0x12
    case unfilteredTemperature = 0x13
    case sensorTemperature = 0x14
    case status = 0x15
    case emissivityInRAM = 0x18
  }

  public var stream: Stream
  public let address: UInt8
  /// Above the device's 20 ms reply delay with margin for a slow virtual COM port.
  public let replyTimeout: Duration

  public init(stream: Stream, address: UInt8 = 1, replyTimeout: Duration = .milliseconds(200)) {
    self.stream = stream
    self.address = address
    self.replyTimeout = replyTimeout
  }

  /// `count` consecutive holding registers from `register`.
  public mutating func read(_ register: Register, count: UInt16 = 1) throws(PyroUSBError) -> [UInt16] {
    stream.discardPending()
    do {
      try stream.write(
        ModbusRTU.readRequest(
          address: address, function: .readHoldingRegisters, register: register.rawValue, count: count))
    } catch {
      throw .transport(error)
    }
    let body = try ModbusRTU.readReply(from: &stream, function: .readHoldingRegisters, timeout: replyTimeout)
    guard body[0] == address, Int(body[2]) == Int(count) * 2, body.count == 3 + Int(count) * 2 else {
      throw .modbus(.unexpectedReply(body))
    }
    return (0..<Int(count)).map { UInt16(body[3 + 2 * $0]) << 8 | UInt16(body[4 + 2 * $0]) }
  }

  /// Emissivity for the current session (RAM register: frequent writes spare the EEPROM).
  public mutating func setSessionEmissivity(_ emissivity: Double) throws(PyroUSBError) {
    guard emissivity >= 0.1, emissivity <= 1.0 else { throw .outOfRange("emissivity \(emissivity)") }
    let value = UInt16((emissivity * 10_000).rounded())
    stream.discardPending()
    let request = ModbusRTU.writeRequest(address: address, register: Register.emissivityInRAM.rawValue, value: value)
    do { try stream.write(request) } catch { throw .transport(error) }
    let echo = try ModbusRTU.readReply(from: &stream, function: .writeSingleRegister, timeout: replyTimeout)
    guard echo == Array(request.dropLast(2)) else { throw .modbus(.unexpectedReply(echo)) }
  }

  /// Object (filtered), sensor (ambient) and status in one read; status bit 0 (measurement
  /// error) flags the sample.
  public mutating func readSample(at time: Seconds) throws(PyroUSBError) -> Sample {
    let words = try read(.filteredTemperature, count: 4)  // 0x12 filtered, 0x13, 0x14 sensor, 0x15 status
    return Sample(
      time: time, objectC: Self.celsius(words[0]), ambientC: Self.celsius(words[2]),
      sensorError: words[3] & 0x01 != 0)
  }

  public static func celsius(_ word: UInt16) -> Double { Double(Int16(bitPattern: word)) / 10 }
}
