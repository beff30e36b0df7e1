/// Modbus RTU framing as the Calex PyroUSB speaks it (protocol reference §6): address, function,
/// data, CRC-16 (init 0xFFFF, reflected polynomial 0xA001, low byte first).
public enum ModbusRTU {
  public enum Function: UInt8, Sendable {
    case readHoldingRegisters = 0x03
    case readInputRegisters = 0x04
    case writeSingleRegister = 0x06
  }

  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case crcMismatch(expected: UInt16, received: UInt16)
    /// The device answered with an exception (function | 0x80): 1 illegal function, 2 illegal
    /// data address, 3 illegal data value, 4 device failure.
    case exception(function: UInt8, code: UInt8)
    case unexpectedReply([UInt8])

    public var description: String {
      switch self {
      case .crcMismatch(let expected, let received):
        "Modbus CRC mismatch: computed 0x\(hex(expected)), received 0x\(hex(received))"
      case .exception(let function, let code):
        "Modbus exception \(code) (\(Self.exceptionName(code))) to function 0x\(hex(function))"
      case .unexpectedReply(let bytes): "unexpected Modbus reply \(bytes.map { hex($0) }.joined(separator: " "))"
      }
    }

    static func exceptionName(_ code: UInt8) -> String {
      switch code {
      case 1: "illegal function"
      case 2: "illegal data address"
      case 3: "illegal data value"
      case 4: "device failure"
      default: "code \(code)"
      }
    }
  }

  public static func crc16<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt16 {
    var crc: UInt16 = 0xFFFF
    for byte in bytes {
      crc ^= UInt16(byte)
      for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
    }
    return crc
  }

  /// A frame: `body` followed by its CRC, low byte first.
  public static func frame(_ body: [UInt8]) -> [UInt8] {
    let crc = crc16(body)
    return body + [UInt8(crc & 0xFF), UInt8(crc >> 8)]
  }

  public static func readRequest(address: UInt8, function: Function, register: UInt16, count: UInt16) -> [UInt8] {
    frame([
      address, function.rawValue, UInt8(register >> 8), UInt8(register & 0xFF), UInt8(count >> 8), UInt8(count & 0xFF),
    ])
  }

  public static func writeRequest(address: UInt8, register: UInt16, value: UInt16) -> [UInt8] {
    frame([
      address, Function.writeSingleRegister.rawValue, UInt8(register >> 8), UInt8(register & 0xFF), UInt8(value >> 8),
      UInt8(value & 0xFF),
    ])
  }

  /// The body of a complete frame whose CRC matches.
  public static func checkedBody(_ frame: [UInt8]) throws(Failure) -> [UInt8] {
    guard frame.count >= 4 else { throw .unexpectedReply(frame) }
    let body = Array(frame.dropLast(2))
    let received = UInt16(frame[frame.count - 2]) | UInt16(frame[frame.count - 1]) << 8
    let expected = crc16(body)
    guard received == expected else { throw .crcMismatch(expected: expected, received: received) }
    return body
  }

  /// Reads one reply frame to a request for `function` from a byte stream: the header first,
  /// then as many bytes as the header says.
  public static func readReply<Stream: ByteStreamTransport>(
    from stream: inout Stream, function: Function, timeout: Duration
  ) throws(PyroUSBError) -> [UInt8] {
    func read(_ count: Int) throws(PyroUSBError) -> [UInt8] {
      do { return try stream.read(count: count, timeout: timeout) } catch { throw .transport(error) }
    }
    func checked(_ frame: [UInt8]) throws(PyroUSBError) -> [UInt8] {
      do { return try checkedBody(frame) } catch { throw .modbus(error) }
    }
    let header = try read(3)
    if header[1] == function.rawValue | 0x80 {
      let body = try checked(header + read(2))
      throw .modbus(.exception(function: function.rawValue, code: body[2]))
    }
    guard header[1] == function.rawValue else { throw .modbus(.unexpectedReply(header)) }
    let remaining = function == .writeSingleRegister ? 5 : Int(header[2]) + 2
    return try checked(header + read(remaining))
  }
}
