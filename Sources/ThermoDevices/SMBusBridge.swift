/// A USB-to-SMBus bridge that can run a Read Word for a sensor behind it.
public protocol SMBusBridge {
  /// The word and whether its PEC matched (a mismatch only reaches here under `PECPolicy.accept`).
  mutating func readWord(address: UInt8, command: UInt8, pecPolicy: MLX90614.PECPolicy)
    throws(BridgeError) -> (word: UInt16, pecMatched: Bool)
  /// A Write Word with PEC (MLX90614 EEPROM cells), ended with STOP, checked through the
  /// bridge's transfer status.
  mutating func writeWord(address: UInt8, command: UInt8, word: UInt16) throws(BridgeError)
}

/// Why a word read through a bridge failed: moving reports, the bridge's own report, or the word.
public enum BridgeError: Error, Sendable, Equatable, CustomStringConvertible {
  case transport(TransportError)
  case mcp2221(MCP2221ReadError)
  case cp2112(CP2112ReadError)

  public var description: String {
    switch self {
    case .transport(let error): error.description
    case .mcp2221(let error): error.description
    case .cp2112(let error): error.description
    }
  }
}

/// The MCP2221/MCP2221A on its HID interface.
public struct MCP2221Bridge<Transport: ReportTransport>: SMBusBridge {
  public var transport: Transport
  /// Per report; the kernel allows 4 s, a gate cannot wait that long.
  public let replyTimeout: Duration
  /// Whether IN reports from an abandoned transaction may be waiting (set until a transaction
  /// ends cleanly, and on a fresh handle). Only then is the queue drained first: on real USB
  /// every drain attempt costs an interrupt frame, so a clean read uses just its four transfers.
  public private(set) var mayHaveStaleReplies = true

  public init(transport: Transport, replyTimeout: Duration = .milliseconds(250)) {
    self.transport = transport
    self.replyTimeout = replyTimeout
  }

  public mutating func readWord(address: UInt8, command: UInt8, pecPolicy: MLX90614.PECPolicy)
    throws(BridgeError) -> (word: UInt16, pecMatched: Bool)
  {
    if mayHaveStaleReplies { transport.discardPending() }
    mayHaveStaleReplies = true
    var read = MCP2221WordRead(address: address, command: command, pecPolicy: pecPolicy)
    var action = read.start()
    while true {
      switch action {
      case .send(let report):
        action = read.receive(try exchangeOrCancel(report))
      case .receiveAgain:
        let reply: [UInt8]
        do { reply = try transport.receive(timeout: replyTimeout) } catch { throw .transport(error) }
        action = read.receive(reply)
      case .finished(let word, let pecMatched):
        mayHaveStaleReplies = false
        return (word, pecMatched)
      case .failed(let error): throw .mcp2221(error)
      }
    }
  }

  /// `0x90` I2C write (START, address, command, LSB, MSB, PEC, STOP), then `0x10` status polls
  /// until the engine is idle, as the kernel's write path checks its last command.
  public mutating func writeWord(address: UInt8, command: UInt8, word: UInt16) throws(BridgeError) {
    if mayHaveStaleReplies { transport.discardPending() }
    mayHaveStaleReplies = true
    let payload = MLX90614.writeWordPayload(address: address, command: command, word: word)
    let request = MCP2221Report.transfer(
      .writeData, length: UInt16(payload.count), addressByte: MLX90614.writeAddressByte(address), data: payload)
    let reply = try exchangeOrCancel(request)
    guard reply.count >= 3, reply[0] == MCP2221Report.Command.writeData.rawValue else {
      throw .mcp2221(.bridge(.unexpectedReply(expected: 0x90, received: Array(reply.prefix(4)))))
    }
    guard reply[1] == 0x00 else { throw .mcp2221(.bridge(.engineBusy)) }
    var state: UInt8 = 0
    for _ in 0..<Self.maximumWriteStatusPolls {
      let status = try exchangeOrCancel(MCP2221Report.status)
      guard status.count > 20, status[0] == MCP2221Report.Command.statusSetParameters.rawValue else { continue }
      state = status[8]
      let failure: MCP2221Error? =
        status[20] & 0x40 != 0
        ? .addressNotAcknowledged(engineState: state) : MCP2221Error.failure(engineState: state)
      if let failure {
        _ = try? transport.exchange(MCP2221Report.cancel, timeout: replyTimeout)
        throw .mcp2221(.bridge(failure))
      }
      if state == 0x00 {
        mayHaveStaleReplies = false
        return
      }
    }
    _ = try? transport.exchange(MCP2221Report.cancel, timeout: replyTimeout)
    throw .mcp2221(.bridge(.busTimeout(engineState: state)))
  }

  /// Sets the I2C clock (`10 00 00 20 divider`, divider = 12 MHz / f − 3 as the kernel computes
  /// it). The kernel sets 400 kHz when hid-mcp2221 binds, but the MLX90614 is specified for
  /// 100 kHz at most (reference §1.2), so the gateway sets its own speed after opening the chip.
  /// A transfer in progress refuses the change (`0x21`): it is cancelled and the change retried.
  public mutating func setBusSpeed(hertz: Int = 100_000) throws(BridgeError) {
    let divider = UInt8(clamping: 12_000_000 / max(hertz, 47_000) - 3)
    let request = MCP2221Report.make(.statusSetParameters, [0x00, 0x00, 0x20, divider])
    for attempt in 0..<2 {
      let reply = try exchangeOrCancel(request)
      guard reply.count > 4, reply[0] == MCP2221Report.Command.statusSetParameters.rawValue else {
        throw .mcp2221(.bridge(.unexpectedReply(expected: 0x10, received: Array(reply.prefix(4)))))
      }
      if reply[3] == 0x20 { return }
      if attempt == 0 { _ = try exchangeOrCancel(MCP2221Report.cancel) }
    }
    throw .mcp2221(.bridge(.engineBusy))
  }

  /// Status polls a write may take before it counts as hung (a few bytes at 100 kHz take
  /// well under one poll's USB round trip).
  static var maximumWriteStatusPolls: Int { 10 }

  /// One exchange; on a timeout the transfer left hanging would keep the engine busy for the
  /// next one, so it is cancelled, best effort (the device may be gone).
  private mutating func exchangeOrCancel(_ report: [UInt8]) throws(BridgeError) -> [UInt8] {
    do {
      return try transport.exchange(report, timeout: replyTimeout)
    } catch {
      if error == .timeout { _ = try? transport.exchange(MCP2221Report.cancel, timeout: replyTimeout) }
      throw .transport(error)
    }
  }
}

/// The CP2112 on its HID interface (interrupt reports).
public struct CP2112Bridge<Transport: ReportTransport>: SMBusBridge {
  public var transport: Transport
  /// Per status or data report (the kernel waits 50 ms).
  public let replyTimeout: Duration
  /// How long to wait for the chip's trailing empty data report.
  public let drainTimeout: Duration
  /// As for the MCP2221: drain stale reports only after a transaction that did not end cleanly.
  public private(set) var mayHaveStaleReplies = true

  public init(
    transport: Transport, replyTimeout: Duration = .milliseconds(50), drainTimeout: Duration = .milliseconds(5)
  ) {
    self.transport = transport
    self.replyTimeout = replyTimeout
    self.drainTimeout = drainTimeout
  }

  public mutating func readWord(address: UInt8, command: UInt8, pecPolicy: MLX90614.PECPolicy)
    throws(BridgeError) -> (word: UInt16, pecMatched: Bool)
  {
    if mayHaveStaleReplies { transport.discardPending() }
    mayHaveStaleReplies = true
    var read = CP2112WordRead(address: address, command: command, pecPolicy: pecPolicy)
    var action = read.start()
    while true {
      switch action {
      case .send(let report):
        do { try transport.send(report) } catch { throw abandon(error) }
        action = read.next(after: nil)
      case .exchange(let report):
        let reply: [UInt8]
        do { reply = try transport.exchange(report, timeout: replyTimeout) } catch { throw abandon(error) }
        action = read.next(after: reply)
      case .drain:
        action = read.next(after: try? transport.receive(timeout: drainTimeout))
      case .receiveAgain:
        let reply: [UInt8]
        do { reply = try transport.receive(timeout: replyTimeout) } catch { throw abandon(error) }
        action = read.next(after: reply)
      case .finished(let word, let pecMatched):
        mayHaveStaleReplies = false
        return (word, pecMatched)
      case .failed(let error): throw .cp2112(error)
      }
    }
  }

  /// `0x14` data write (address, command, LSB, MSB, PEC), then transfer-status polls until it
  /// completes; still busy after the kernel's ten polls, it is cancelled.
  public mutating func writeWord(address: UInt8, command: UInt8, word: UInt16) throws(BridgeError) {
    if mayHaveStaleReplies { transport.discardPending() }
    mayHaveStaleReplies = true
    let payload = MLX90614.writeWordPayload(address: address, command: command, word: word)
    do {
      try transport.send(
        CP2112Report.make(.dataWrite, [MLX90614.writeAddressByte(address), UInt8(payload.count)] + payload))
    } catch {
      throw abandon(error)
    }
    for _ in 0..<10 {
      let status: [UInt8]
      do { status = try transport.exchange(CP2112Report.statusRequest, timeout: replyTimeout) } catch {
        throw abandon(error)
      }
      guard status.count >= 3, status[0] == CP2112Report.ID.transferStatusResponse.rawValue else { continue }
      switch status[1] {
      case 0x02:
        mayHaveStaleReplies = false
        return
      case 0x03:
        switch status[2] {
        case 0x00: throw .cp2112(.bridge(.addressNotAcknowledged))
        case 0x01: throw .cp2112(.bridge(.busNotFree))
        default: throw .cp2112(.bridge(.transferFailed(status1: status[2])))
        }
      default: continue
      }
    }
    try? transport.send(CP2112Report.cancel)
    throw .cp2112(.bridge(.stillBusy(polls: 10)))
  }

  /// A transfer left hanging would answer the next request: cancel it, best effort.
  private mutating func abandon(_ error: TransportError) -> BridgeError {
    if error == .timeout { try? transport.send(CP2112Report.cancel) }
    return .transport(error)
  }
}
