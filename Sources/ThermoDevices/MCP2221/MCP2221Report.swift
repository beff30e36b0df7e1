/// MCP2221/MCP2221A HID reports: every command is one 64-byte OUT report, answered by one
/// 64-byte IN report echoing the command in byte 0 (protocol reference §1.3–1.4).
public enum MCP2221Report {
  public static let size = 64

  public enum Command: UInt8, Sendable {
    case statusSetParameters = 0x10
    case writeData = 0x90
    case readData = 0x91
    case writeDataRepeatedStart = 0x92
    case readDataRepeatedStart = 0x93
    case writeDataNoStop = 0x94
    case getData = 0x40
  }

  /// An OUT report: the command, then `payload` from byte 1, zero-filled to 64 bytes.
  public static func make(_ command: Command, _ payload: [UInt8] = []) -> [UInt8] {
    zeroFilledReport(size: size, first: command.rawValue, payload: payload)
  }

  /// `0x9x` I2C transfer: total length (LE) and the address byte as it goes on the wire.
  public static func transfer(_ command: Command, length: UInt16, addressByte: UInt8, data: [UInt8] = [])
    -> [UInt8]
  {
    make(command, [UInt8(length & 0xFF), UInt8(length >> 8), addressByte] + data)
  }

  /// `10 00 10`: cancel the current I2C transfer.
  public static let cancel = make(.statusSetParameters, [0x00, 0x10])
  /// `10 00 00`: read the status without changing anything.
  public static let status = make(.statusSetParameters)
}

/// What can go wrong in an MCP2221 I2C exchange, kept apart because each is handled differently.
public enum MCP2221Error: Error, Sendable, Equatable, CustomStringConvertible {
  /// The I2C engine was still busy with an earlier command (`[1] = 0x01`).
  case engineBusy
  /// The addressed sensor did not acknowledge (engine state 0x25/0x21, or `0x41`/127 on read-back).
  case addressNotAcknowledged(engineState: UInt8)
  /// The engine timed out on the bus (start, address, data, read or stop).
  case busTimeout(engineState: UInt8)
  /// The data never became ready after the allowed number of read-back polls.
  case dataNotReady(polls: Int)
  /// A reply that does not answer the command sent (wrong echo, short report).
  case unexpectedReply(expected: UInt8, received: [UInt8])
  /// The read-back carried a different number of bytes than requested.
  case wrongLength(expected: Int, received: Int)

  public var description: String {
    switch self {
    case .engineBusy: "MCP2221 I2C engine busy"
    case .addressNotAcknowledged(let state): "sensor did not acknowledge its address (engine state 0x\(hex(state)))"
    case .busTimeout(let state): "I2C bus timeout (engine state 0x\(hex(state)))"
    case .dataNotReady(let polls): "I2C data not ready after \(polls) polls"
    case .unexpectedReply(let expected, let received):
      "unexpected MCP2221 reply: expected echo 0x\(hex(expected)), got \(received.prefix(4).map { hex($0) }.joined(separator: " "))"
    case .wrongLength(let expected, let received): "I2C read returned \(received) bytes, expected \(expected)"
    }
  }

  /// Engine states that end a transfer with an error (reference §1.5; the kernel's mapping).
  static func failure(engineState state: UInt8) -> MCP2221Error? {
    switch state {
    case 0x21, 0x25: .addressNotAcknowledged(engineState: state)
    case 0x12, 0x17, 0x23, 0x44, 0x52, 0x62: .busTimeout(engineState: state)
    default: nil
    }
  }
}
