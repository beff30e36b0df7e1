/// One SMBus Read Word through an MCP2221 (the MLX90614 transaction): `0x94` write of the command
/// byte without STOP, `0x93` read of LSB, MSB and PEC with a repeated START, `0x40` polls until
/// the engine reports the data ready (state 0x55), then a `0x10` status check as the kernel does
/// (an absent sensor may show only there: byte 20 bit 6). A failure on the bus cancels the engine
/// (`10 00 10`) before it is reported, so the next transaction starts clean.
///
/// A value-type state machine: it names the report to send, the driver sends it and feeds the
/// reply back. The same machine runs against hardware or a simulator.
public struct MCP2221WordRead: Sendable {
  public enum Action: Sendable, Equatable {
    /// Send this 64-byte OUT report and feed the IN report to `receive`.
    case send([UInt8])
    /// The last IN report answered something earlier (a late reply): feed the next one instead.
    case receiveAgain
    /// The word and whether its PEC matched (under `PECPolicy.accept` a mismatch is reported here).
    case finished(word: UInt16, pecMatched: Bool)
    case failed(MCP2221ReadError)
  }

  private enum Phase: Sendable {
    case notStarted, writingCommand, requestingRead, polling(Int), checkingStatus(
      Result<(word: UInt16, pecMatched: Bool), MCP2221ReadError>),
      cancelling(MCP2221ReadError), done
  }

  public let address: UInt8
  public let command: UInt8
  public let pecPolicy: MLX90614.PECPolicy
  /// Read-back polls allowed before the read counts as failed (each costs about 2 ms of USB time).
  public let maximumPolls: Int
  private var phase = Phase.notStarted
  private var staleRepliesSkipped = 0
  /// Late replies skipped in one read before the exchange counts as broken.
  static let maximumStaleReplies = 8

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
    if let expected = expectedEcho, reply.first != expected, staleRepliesSkipped < Self.maximumStaleReplies {
      staleRepliesSkipped += 1
      return .receiveAgain
    }
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
    case .checkingStatus(let outcome):
      guard reply.count >= 21, reply[0] == MCP2221Report.Command.statusSetParameters.rawValue else {
        return fail(.bridge(.unexpectedReply(expected: 0x10, received: Array(reply.prefix(8)))))
      }
      if reply[20] & 0x40 != 0 { return fail(.bridge(.addressNotAcknowledged(engineState: reply[8]))) }
      if let failure = MCP2221Error.failure(engineState: reply[8]) { return fail(.bridge(failure)) }
      phase = .done
      switch outcome {
      case .success(let result): return .finished(word: result.word, pecMatched: result.pecMatched)
      case .failure(let error): return .failed(error)
      }
    case .cancelling(let error):
      phase = .done
      return .failed(error)
    case .notStarted, .done:
      return .failed(.protocolMisuse)
    }
  }

  /// The command byte the reply to the report just sent echoes.
  private var expectedEcho: UInt8? {
    switch phase {
    case .writingCommand: MCP2221Report.Command.writeDataNoStop.rawValue
    case .requestingRead: MCP2221Report.Command.readDataRepeatedStart.rawValue
    case .polling: MCP2221Report.Command.getData.rawValue
    case .checkingStatus, .cancelling: MCP2221Report.Command.statusSetParameters.rawValue
    case .notStarted, .done: nil
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
    do {
      let result = try MLX90614.word(
        fromReply: (reply[4], reply[5], reply[6]), address: address, command: command, policy: pecPolicy)
      phase = .checkingStatus(.success(result))
    } catch {
      phase = .checkingStatus(.failure(.sensor(error)))
    }
    return .send(MCP2221Report.status)
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

public typealias MCP2221ReadError = WordReadError<MCP2221Error>
