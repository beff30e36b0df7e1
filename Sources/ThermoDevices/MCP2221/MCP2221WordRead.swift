/// One SMBus Read Word through an MCP2221 (the MLX90614 transaction): `0x94` write of the command
/// byte without STOP, `0x93` read of LSB, MSB and PEC with a repeated START, then `0x40` polls
/// until the engine reports the data ready (state 0x55). A failure on the bus cancels the engine
/// (`10 00 10`) before it is reported, so the next transaction starts clean.
///
/// A value-type state machine: it names the report to send, the driver sends it and feeds the
/// reply back. The same machine runs against hardware or a simulator.
public struct MCP2221WordRead: Sendable {
  public enum Action: Sendable, Equatable {
    /// Send this 64-byte OUT report and feed the IN report to `receive`.
    case send([UInt8])
    /// The word and whether its PEC matched (under `PECPolicy.accept` a mismatch is reported here).
    case finished(word: UInt16, pecMatched: Bool)
    case failed(MCP2221ReadError)
  }

  private enum Phase: Sendable {
    case notStarted, writingCommand, requestingRead, polling(Int), cancelling(MCP2221ReadError), done
  }

  public let address: UInt8
  public let command: UInt8
  public let pecPolicy: MLX90614.PECPolicy
  /// Read-back polls allowed before the read counts as failed (each costs about 2 ms of USB time).
  public let maximumPolls: Int
  private var phase = Phase.notStarted

  public init(address: UInt8, command: UInt8, pecPolicy: MLX90614.PECPolicy, maximumPolls: Int = 20) {
    self.address = address
    self.command = command
    self.pecPolicy = pecPolicy
    self.maximumPolls = max(1, maximumPolls)
  }

  public mutating func start() -> Action {
    phase = .writingCommand
    return .send(
      MCP2221Report.transfer(
        .writeDataNoStop, length: 1, addressByte: MLX90614.writeAddressByte(address), data: [command]))
  }

  public mutating func receive(_ reply: [UInt8]) -> Action {
    switch phase {
    case .writingCommand:
      if let failure = transferFailure(reply, echo: .writeDataNoStop) { return fail(failure) }
      phase = .requestingRead
      return .send(
        MCP2221Report.transfer(.readDataRepeatedStart, length: 3, addressByte: MLX90614.readAddressByte(address)))
    case .requestingRead:
      if let failure = transferFailure(reply, echo: .readDataRepeatedStart) { return fail(failure) }
      phase = .polling(1)
      return .send(MCP2221Report.make(.getData))
    case .polling(let polls):
      return readBack(reply, polls: polls)
    case .cancelling(let error):
      phase = .done
      return .failed(error)
    case .notStarted, .done:
      return .failed(.protocolMisuse)
    }
  }

  private mutating func readBack(_ reply: [UInt8], polls: Int) -> Action {
    guard reply.count >= 7, reply[0] == MCP2221Report.Command.getData.rawValue else {
      return fail(.bridge(.unexpectedReply(expected: 0x40, received: Array(reply.prefix(8)))))
    }
    let state = reply[2]
    if reply[1] == 0x41 || reply[3] == 127 {
      return fail(.bridge(MCP2221Error.failure(engineState: state) ?? .addressNotAcknowledged(engineState: state)))
    }
    if let failure = MCP2221Error.failure(engineState: state) { return fail(.bridge(failure)) }
    guard state == 0x55 else {
      guard polls < maximumPolls else { return fail(.bridge(.dataNotReady(polls: polls))) }
      phase = .polling(polls + 1)
      return .send(MCP2221Report.make(.getData))
    }
    guard reply[3] == 3 else { return fail(.bridge(.wrongLength(expected: 3, received: Int(reply[3])))) }
    phase = .done
    do {
      let result = try MLX90614.word(
        fromReply: (reply[4], reply[5], reply[6]), address: address, command: command, policy: pecPolicy)
      return .finished(word: result.word, pecMatched: result.pecMatched)
    } catch {
      return .failed(.sensor(error))
    }
  }

  private func transferFailure(_ reply: [UInt8], echo: MCP2221Report.Command) -> MCP2221ReadError? {
    guard reply.count >= 3, reply[0] == echo.rawValue else {
      return .bridge(.unexpectedReply(expected: echo.rawValue, received: Array(reply.prefix(8))))
    }
    if reply[1] == 0x01 { return .bridge(.engineBusy) }
    return MCP2221Error.failure(engineState: reply[2]).map { .bridge($0) }
  }

  /// Cancels the engine first, then reports `error` when the cancel is answered.
  private mutating func fail(_ error: MCP2221ReadError) -> Action {
    phase = .cancelling(error)
    return .send(MCP2221Report.cancel)
  }
}

/// Why a word read through the bridge failed: the bridge, the sensor's answer, or the caller.
public enum MCP2221ReadError: Error, Sendable, Equatable, CustomStringConvertible {
  case bridge(MCP2221Error)
  case sensor(MLX90614.WordError)
  /// `receive` was called before `start` or after the read ended.
  case protocolMisuse

  public var description: String {
    switch self {
    case .bridge(let error): error.description
    case .sensor(let error): error.description
    case .protocolMisuse: "MCP2221 word read used out of order"
    }
  }
}
