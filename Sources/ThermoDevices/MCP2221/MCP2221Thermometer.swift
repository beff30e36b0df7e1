import ThermoCore

/// An MLX90614 behind an MCP2221A: reads the ambient and object words and makes a `Sample`.
public struct MCP2221Thermometer<Transport: ReportTransport> {
  public enum ReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case transport(TransportError)
    case read(MCP2221ReadError)

    public var description: String {
      switch self {
      case .transport(let error): error.description
      case .read(let error): error.description
      }
    }
  }

  public var transport: Transport
  public let address: UInt8
  public let pecPolicy: MLX90614.PECPolicy
  /// Per report; the kernel allows 4 s, a gate cannot wait that long.
  public let replyTimeout: Duration
  /// Words whose PEC did not match but were accepted under `PECPolicy.accept`.
  public private(set) var acceptedPECMismatches = 0

  public init(
    transport: Transport, address: UInt8 = MLX90614.defaultAddress, pecPolicy: MLX90614.PECPolicy = .reject,
    replyTimeout: Duration = .milliseconds(250)
  ) {
    self.transport = transport
    self.address = address
    self.pecPolicy = pecPolicy
    self.replyTimeout = replyTimeout
  }

  /// One SMBus Read Word, run to its end (including the engine cancel on failure).
  public mutating func readWord(_ command: MLX90614.Command) throws(ReadError) -> UInt16 {
    var read = MCP2221WordRead(address: address, command: command.rawValue, pecPolicy: pecPolicy)
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
      case .finished(let word, let pecMatched):
        if !pecMatched { acceptedPECMismatches += 1 }
        return word
      case .failed(let error):
        throw .read(error)
      }
    }
  }

  /// Ambient, then object temperature, as one sample stamped `time` by the caller (the driver
  /// reads no clock either). A word with the sensor's error flag makes a flagged sample rather
  /// than an error, so that the detector counts it as the sensor's fault.
  public mutating func sample(at time: Seconds) throws(ReadError) -> Sample {
    let ambientWord = try readWord(.ambientTemperature)
    let objectWord = try readWord(.objectTemperature1)
    let ambient = try? MLX90614.celsius(fromTemperatureWord: ambientWord)
    let object = try? MLX90614.celsius(fromTemperatureWord: objectWord)
    return Sample(
      time: time, objectC: object ?? .nan, ambientC: ambient ?? .nan, sensorError: object == nil || ambient == nil)
  }
}
