import ThermoDevices

/// The device side of an MCP2221A's HID interface for SMBus word reads: the mirror of
/// `MCP2221WordRead`, answering 64-byte OUT reports with 64-byte IN reports as the chip does
/// (protocol reference §1.3–1.9): byte 0 echoes the command, `[1] = 0x01` while the engine is
/// busy, read-back through `0x40` polls, cancel results 0x10/0x11, zero-filled reports.
public struct MCP2221Model: ReportDeviceModel {
  /// The sensor on the bus, or nil when none answers.
  public var sensor: MLX90614Model?
  /// `0x40` polls answered "still reading" (state 0x50) before the data is ready.
  public var pollsBeforeReady = 0
  /// Engine state a stuck bus reports on the next transfer (e.g. 0x62, stop timeout), if any.
  public var stuckState: UInt8?

  private enum Engine: Sendable, Equatable {
    case idle
    /// The command byte was written without STOP.
    case commandWritten(address: UInt8, command: UInt8)
    case addressNotAcknowledged
    case reading(data: [UInt8], pollsLeft: Int)
  }

  private var engine = Engine.idle
  /// The I2C clock divider in force (byte 14 of the status reply). Power-on default: 100 kHz.
  public private(set) var divider: UInt8 = 0x75
  /// Byte 20 bit 6 of the status reply: the last transfer's address was not acknowledged.
  private var addressNACKed = false

  public init(sensor: MLX90614Model?) {
    self.sensor = sensor
  }

  /// The engine state byte the chip reports.
  private var engineState: UInt8 {
    switch engine {
    case .idle: 0x00
    case .commandWritten: 0x45
    case .addressNotAcknowledged: 0x25
    case .reading(_, let pollsLeft): pollsLeft > 0 ? 0x50 : 0x55
    }
  }

  /// Answers one OUT report with one IN report (none for a reset or an unknown command).
  public mutating func handle(_ out: [UInt8]) -> [[UInt8]] {
    answer(out).map { [$0] } ?? []
  }

  /// The IN report answering `out`, or nil when the chip does not answer.
  public mutating func answer(_ out: [UInt8]) -> [UInt8]? {
    // The chip's command buffer is 64 bytes: a shorter OUT report (the kernel's hid-mcp2221
    // sends 1–8 bytes) reads as zero-filled.
    guard !out.isEmpty, out.count <= MCP2221Report.size else { return nil }
    let out = out + [UInt8](repeating: 0, count: MCP2221Report.size - out.count)
    guard let command = MCP2221Report.Command(rawValue: out[0]) else { return otherCommand(out) }
    switch command {
    case .statusSetParameters: return status(cancel: out[2] == 0x10, speedDivider: out[3] == 0x20 ? out[4] : nil)
    case .writeDataNoStop, .writeData, .writeDataRepeatedStart: return write(command, out)
    case .readDataRepeatedStart, .readData: return read(command, out)
    case .getData: return getData()
    }
  }

  private mutating func write(_ command: MCP2221Report.Command, _ out: [UInt8]) -> [UInt8] {
    if let stuckState { return reply(command, [0x00, stuckState]) }
    if case .reading = engine { return reply(command, [0x01, engineState]) }
    let stateBefore = engineState
    let address = out[3] >> 1
    let length = Int(out[1]) | Int(out[2]) << 8
    guard length >= 1, sensor.map({ $0.address == address || address == 0 }) == true else {
      engine = .addressNotAcknowledged
      addressNACKed = true
      return reply(command, [0x00, stateBefore])
    }
    if command == .writeData {
      // A whole Write Word with STOP: the sensor takes it (or NACKs it) and the engine is idle.
      let payload = Array(out[4..<min(out.count, 4 + length)])
      if sensor?.writeWord(address: address, payload: payload) != true {
        engine = .addressNotAcknowledged
        addressNACKed = true
      } else {
        engine = .idle
      }
      return reply(command, [0x00, stateBefore])
    }
    engine = .commandWritten(address: address, command: out[4])
    return reply(command, [0x00, stateBefore])
  }

  private mutating func read(_ command: MCP2221Report.Command, _ out: [UInt8]) -> [UInt8] {
    if let stuckState { return reply(command, [0x00, stuckState]) }
    if case .reading = engine { return reply(command, [0x01, engineState]) }
    let stateBefore = engineState
    // Both spellings of the read address are in use (kernel: addr << 1; others: addr << 1 | 1).
    let address = out[3] >> 1
    guard case .commandWritten(let written, let register) = engine, written == address,
      let data = sensor?.readWordReply(address: address, command: register),
      Int(out[1]) | Int(out[2]) << 8 == data.count
    else {
      engine = .addressNotAcknowledged
      addressNACKed = true
      return reply(command, [0x00, stateBefore])
    }
    engine = .reading(data: data, pollsLeft: pollsBeforeReady)
    return reply(command, [0x00, stateBefore])
  }

  private mutating func getData() -> [UInt8] {
    switch engine {
    case .addressNotAcknowledged:
      return reply(.getData, [0x41, 0x25, 127])
    case .reading(let data, let pollsLeft) where pollsLeft > 0:
      engine = .reading(data: data, pollsLeft: pollsLeft - 1)
      return reply(.getData, [0x00, 0x50, 0x00])
    case .reading(let data, _):
      engine = .idle
      return reply(.getData, [0x00, 0x55, UInt8(data.count)] + data)
    case .idle, .commandWritten:
      return reply(.getData, [0x41, engineState, 127])
    }
  }

  private mutating func status(cancel: Bool, speedDivider: UInt8?) -> [UInt8] {
    var payload = [UInt8](repeating: 0, count: 20)
    if let speedDivider {
      // The chip refuses a new speed while a transfer runs (reference §1.4: 0x21).
      let busy = engine != .idle && engine != .addressNotAcknowledged
      if !busy { divider = speedDivider }
      payload[2] = busy ? 0x21 : 0x20
      payload[3] = speedDivider
    }
    payload[13] = divider
    if cancel {
      payload[1] = engine == .idle ? 0x11 : 0x10
      engine = .idle
      addressNACKed = false
    }
    // A stuck bus is not released by a cancel (reference §1.7: only clocking the bus or a power
    // cycle frees it); clear `stuckState` to model the power cycle.
    payload[7] = stuckState ?? engineState
    payload[19] = addressNACKed ? 0x40 : 0x00
    return reply(.statusSetParameters, payload)
  }

  /// The commands the kernel driver sends while it probes and sets up its gpiochip (datasheet
  /// §3.1: 0x50/0x51 set/get GPIO values, 0x60/0x61 set/get SRAM settings): answered as a chip
  /// whose four GP pins are GPIO inputs reading low, so `hid-mcp2221` binds without timeouts.
  private func otherCommand(_ out: [UInt8]) -> [UInt8]? {
    var report = [UInt8](repeating: 0, count: MCP2221Report.size)
    report[0] = out[0]
    switch out[0] {
    case 0x50, 0x60:
      return report
    case 0x51:
      for pin in 0..<4 {
        report[2 + pin * 2] = 0x00  // value: low
        report[3 + pin * 2] = 0x01  // direction: input
      }
      return report
    case 0x61:
      report[2] = 0x0A  // the count of SRAM bytes that follow
      for pin in 0..<4 { report[22 + pin] = 0x08 }  // GPIO function, input
      return report
    default:
      return nil
    }
  }

  private func reply(_ command: MCP2221Report.Command, _ payload: [UInt8]) -> [UInt8] {
    MCP2221Report.make(command, payload)
  }
}
