/// CP2112 interrupt reports used for an SMBus word read (protocol reference §2.2–2.5).
public enum CP2112Report {
  public static let size = 64

  public enum ID: UInt8, Sendable {
    case dataReadRequest = 0x10
    case dataWriteReadRequest = 0x11
    case dataReadForceSend = 0x12
    case dataReadResponse = 0x13
    case dataWrite = 0x14
    case transferStatusRequest = 0x15
    case transferStatusResponse = 0x16
    case cancelTransfer = 0x17
  }

  public static func make(_ id: ID, _ payload: [UInt8]) -> [UInt8] {
    zeroFilledReport(size: size, first: id.rawValue, payload: payload)
  }

  public static let statusRequest = make(.transferStatusRequest, [0x01])
  public static let cancel = make(.cancelTransfer, [0x01])
}

/// Why a CP2112 transfer failed, as the chip's status bytes say.
public enum CP2112Error: Error, Sendable, Equatable, CustomStringConvertible {
  /// Complete-with-error, status1 0: the sensor did not acknowledge its address.
  case addressNotAcknowledged
  /// Complete-with-error, status1 1: the bus was not free.
  case busNotFree
  /// Complete-with-error, another status1 (arbitration lost, read or write incomplete).
  case transferFailed(status1: UInt8)
  /// Still busy after the allowed status polls; the transfer was cancelled.
  case stillBusy(polls: Int)
  case unexpectedReply(expected: UInt8, received: [UInt8])
  case wrongLength(expected: Int, received: Int)

  public var description: String {
    switch self {
    case .addressNotAcknowledged: "CP2112: sensor did not acknowledge its address"
    case .busNotFree: "CP2112: SMBus not free"
    case .transferFailed(let status1): "CP2112 transfer failed (status1 0x\(hex(status1)))"
    case .stillBusy(let polls): "CP2112 still busy after \(polls) status polls; cancelled"
    case .unexpectedReply(let expected, let received):
      "unexpected CP2112 report: expected 0x\(hex(expected)), got \(received.prefix(4).map { hex($0) }.joined(separator: " "))"
    case .wrongLength(let expected, let received): "CP2112 read returned \(received) bytes, expected \(expected)"
    }
  }
}

/// One SMBus Read Word through a CP2112, as the kernel does it: a write-read request (`0x11`),
/// transfer-status polls (`15 01` → `0x16`) until complete, a force-send (`0x12`) for the data
/// (`0x13`), and a short drain for the trailing empty `13 00 00` the chip tends to send, so the
/// next request is not answered by a stale report. Busy too long → cancel (`17 01`).
public struct CP2112WordRead: Sendable {
  public enum Action: Sendable, Equatable {
    /// Send this report; no reply belongs to it. Call `next(after: nil)`.
    case send([UInt8])
    /// Send this report and feed the next IN report to `next(after:)`.
    case exchange([UInt8])
    /// Receive with a short timeout and feed what came (nil on timeout) to `next(after:)`.
    case drain
    /// The last IN report answered something earlier (a late reply): feed the next one instead.
    case receiveAgain
    case finished(word: UInt16, pecMatched: Bool)
    case failed(CP2112ReadError)
  }

  private enum Phase: Sendable {
    case notStarted, requested, polling(Int), fetching(Int), draining(
      Result<(word: UInt16, pecMatched: Bool), CP2112ReadError>),
      cancelling(CP2112ReadError), done
  }

  /// Force-sends allowed for one word (a partial response needs another; a device that keeps
  /// answering short must not keep us here).
  public static let maximumForceSends = 4

  public let address: UInt8
  public let command: UInt8
  public let pecPolicy: MLX90614.PECPolicy
  public let maximumPolls: Int
  private var phase = Phase.notStarted
  private var data: [UInt8] = []
  private var staleRepliesSkipped = 0

  public init(address: UInt8, command: UInt8, pecPolicy: MLX90614.PECPolicy, maximumPolls: Int = 10) {
    self.address = address
    self.command = command
    self.pecPolicy = pecPolicy
    self.maximumPolls = max(1, maximumPolls)
  }

  public mutating func start() -> Action {
    phase = .requested
    data = []
    // Address, read length 3 (LSB, MSB, PEC) big-endian, one target byte: the command.
    return .send(
      CP2112Report.make(.dataWriteReadRequest, [MLX90614.writeAddressByte(address), 0x00, 0x03, 0x01, command]))
  }

  public mutating func next(after reply: [UInt8]?) -> Action {
    if let reply, let expected = expectedReport, reply.first != expected.rawValue, staleRepliesSkipped < 8 {
      staleRepliesSkipped += 1
      return .receiveAgain
    }
    switch phase {
    case .requested:
      phase = .polling(1)
      return .exchange(CP2112Report.statusRequest)
    case .polling(let polls):
      return status(reply, polls: polls)
    case .fetching(let forceSends):
      return collect(reply, forceSends: forceSends)
    case .draining(let outcome):
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

  /// The report that answers the request just sent.
  private var expectedReport: CP2112Report.ID? {
    switch phase {
    case .polling: .transferStatusResponse
    case .fetching: .dataReadResponse
    default: nil
    }
  }

  private mutating func status(_ reply: [UInt8]?, polls: Int) -> Action {
    guard let reply, reply.count >= 7, reply[0] == CP2112Report.ID.transferStatusResponse.rawValue else {
      return fail(.bridge(.unexpectedReply(expected: 0x16, received: Array((reply ?? []).prefix(8)))))
    }
    switch reply[1] {
    case 0x02:
      phase = .fetching(1)
      return .exchange(CP2112Report.make(.dataReadForceSend, [0x00, 0x03]))
    case 0x03:
      phase = .done
      switch reply[2] {
      case 0x00: return .failed(.bridge(.addressNotAcknowledged))
      case 0x01: return .failed(.bridge(.busNotFree))
      default: return .failed(.bridge(.transferFailed(status1: reply[2])))
      }
    default:
      guard polls < maximumPolls else { return fail(.bridge(.stillBusy(polls: polls))) }
      phase = .polling(polls + 1)
      return .exchange(CP2112Report.statusRequest)
    }
  }

  private mutating func collect(_ reply: [UInt8]?, forceSends: Int) -> Action {
    guard let reply, reply.count >= 3, reply[0] == CP2112Report.ID.dataReadResponse.rawValue else {
      return fail(.bridge(.unexpectedReply(expected: 0x13, received: Array((reply ?? []).prefix(8)))))
    }
    guard reply[1] != 0x03 else { return fail(.bridge(.transferFailed(status1: reply[1]))) }
    let count = Int(reply[2])
    guard count <= 61, reply.count >= 3 + count else {
      return fail(.bridge(.wrongLength(expected: 3, received: count)))
    }
    data += reply[3..<(3 + count)]
    guard data.count >= 3 else {
      // A force-send may return fewer bytes than asked for: ask for the rest, a few times.
      guard forceSends < Self.maximumForceSends else {
        return fail(.bridge(.wrongLength(expected: 3, received: data.count)))
      }
      phase = .fetching(forceSends + 1)
      return .exchange(CP2112Report.make(.dataReadForceSend, [0x00, UInt8(3 - data.count)]))
    }
    guard data.count == 3 else { return fail(.bridge(.wrongLength(expected: 3, received: data.count))) }
    // Drain the trailing report whatever the word says, so that it cannot answer the next request.
    do {
      let result = try MLX90614.word(
        fromReply: (data[0], data[1], data[2]), address: address, command: command, policy: pecPolicy)
      phase = .draining(.success(result))
    } catch {
      phase = .draining(.failure(.sensor(error)))
    }
    return .drain
  }

  private mutating func fail(_ error: CP2112ReadError) -> Action {
    phase = .cancelling(error)
    return .send(CP2112Report.cancel)
  }
}

public typealias CP2112ReadError = WordReadError<CP2112Error>
