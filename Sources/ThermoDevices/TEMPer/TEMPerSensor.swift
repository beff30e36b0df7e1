/// A TEMPer stick on its data interface: identifies the firmware once, then reads the room.
public struct TEMPerSensor<Transport: ReportTransport> {
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case transport(TransportError)
    case unknownFirmware(String)
    case decode(TEMPer.DecodeError)

    public var description: String {
      switch self {
      case .transport(let error): error.description
      case .unknownFirmware(let id): "unknown TEMPer firmware '\(id)'"
      case .decode(let error): error.description
      }
    }
  }

  public var transport: Transport
  public private(set) var firmware: TEMPer.Firmware?
  public private(set) var firmwareIdentifier = ""
  /// Some TEMPerV1.4 units answer the first measurement request with stale data.
  public let discardsFirstAnswer: Bool
  public let replyTimeout: Duration
  /// How long to wait for the second report of a two-report answer.
  public let followUpTimeout: Duration = .milliseconds(50)

  public init(transport: Transport, discardsFirstAnswer: Bool = false, replyTimeout: Duration = .seconds(1)) {
    self.transport = transport
    self.discardsFirstAnswer = discardsFirstAnswer
    self.replyTimeout = replyTimeout
  }

  /// Asks for the firmware string (sent over two or more 8-byte reports) and picks the decoding.
  public mutating func identify() throws(Failure) -> TEMPer.Firmware {
    transport.discardPending()
    do { try transport.send(TEMPer.firmwareRequest) } catch { throw .transport(error) }
    var text = ""
    // The identifier fills two reports ("TEMPerGold_V3.1 "); stop early once it is complete.
    for _ in 0..<4 where text.count < 16 {
      let report: [UInt8]
      do {
        report = try transport.receive(timeout: replyTimeout)
      } catch {
        if text.isEmpty { throw .transport(error) }
        break
      }
      text += String(decoding: report.filter { $0 != 0 }, as: UTF8.self)
    }
    guard let known = TEMPer.Firmware(identifier: text) else { throw .unknownFirmware(text) }
    firmware = known
    firmwareIdentifier = text
    return known
  }

  public mutating func read() throws(Failure) -> TEMPer.Reading {
    let firmware: TEMPer.Firmware
    if let known = self.firmware { firmware = known } else { firmware = try identify() }
    transport.discardPending()
    var report: [UInt8]
    do {
      if discardsFirstAnswer { _ = try transport.exchange(TEMPer.measurementRequest, timeout: replyTimeout) }
      report = try transport.exchange(TEMPer.measurementRequest, timeout: replyTimeout)
    } catch {
      throw .transport(error)
    }
    // TEMPerX and TEMPer2 (V3) put the external probe in a second 8-byte report (bytes 10–11 of
    // the answer); a stick without a probe sends none, hence the short wait.
    if firmware == .x || firmware == .v3External, let more = try? transport.receive(timeout: followUpTimeout) {
      report += more
    }
    do { return try TEMPer.decode(report, firmware: firmware) } catch { throw .decode(error) }
  }
}
