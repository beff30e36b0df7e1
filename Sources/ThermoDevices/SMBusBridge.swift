/// A USB-to-SMBus bridge that can run a Read Word for a sensor behind it.
public protocol SMBusBridge {
  /// The word and whether its PEC matched (a mismatch only reaches here under `PECPolicy.accept`).
  mutating func readWord(address: UInt8, command: UInt8, pecPolicy: MLX90614.PECPolicy)
    throws(BridgeError) -> (word: UInt16, pecMatched: Bool)
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

  public init(transport: Transport, replyTimeout: Duration = .milliseconds(250)) {
    self.transport = transport
    self.replyTimeout = replyTimeout
  }

  public mutating func readWord(address: UInt8, command: UInt8, pecPolicy: MLX90614.PECPolicy)
    throws(BridgeError) -> (word: UInt16, pecMatched: Bool)
  {
    transport.discardPending()
    var read = MCP2221WordRead(address: address, command: command, pecPolicy: pecPolicy)
    var action = read.start()
    while true {
      switch action {
      case .send(let report):
        let reply: [UInt8]
        do {
          reply = try transport.exchange(report, timeout: replyTimeout)
        } catch {
          // A transfer left hanging would keep the engine busy for the next read: cancel it,
          // best effort (the device may be gone).
          if error == .timeout { _ = try? transport.exchange(MCP2221Report.cancel, timeout: replyTimeout) }
          throw .transport(error)
        }
        action = read.receive(reply)
      case .receiveAgain:
        let reply: [UInt8]
        do { reply = try transport.receive(timeout: replyTimeout) } catch { throw .transport(error) }
        action = read.receive(reply)
      case .finished(let word, let pecMatched): return (word, pecMatched)
      case .failed(let error): throw .mcp2221(error)
      }
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
    transport.discardPending()
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
      case .finished(let word, let pecMatched): return (word, pecMatched)
      case .failed(let error): throw .cp2112(error)
      }
    }
  }

  /// A transfer left hanging would answer the next request: cancel it, best effort.
  private mutating func abandon(_ error: TransportError) -> BridgeError {
    if error == .timeout { try? transport.send(CP2112Report.cancel) }
    return .transport(error)
  }
}
