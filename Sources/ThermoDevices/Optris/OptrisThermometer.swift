import ThermoCore

public enum OptrisError: Error, Sendable, Equatable, CustomStringConvertible {
  case transport(TransportError)
  /// A SET command was not echoed as sent.
  case notEchoed(sent: [UInt8], received: [UInt8])
  case outOfRange(String)

  public var description: String {
    switch self {
    case .transport(let error): error.description
    case .notEchoed(let sent, let received):
      "Optris did not echo \(sent.map { hex($0) }.joined(separator: " ")) (got \(received.map { hex($0) }.joined(separator: " ")))"
    case .outOfRange(let what): "Optris: \(what) out of range"
    }
  }
}

/// Optris CT/CS (and Micro-Epsilon thermoMETER) binary serial protocol (protocol reference §5):
/// raw bytes, no framing; the reply length follows from the command.
public struct OptrisThermometer<Stream: ByteStreamTransport> {
  public enum Command: UInt8, Sendable {
    case targetTemperature = 0x01
    case headTemperature = 0x02
    case emissivity = 0x04
    case serialNumber = 0x0E
    case firmwareRevision = 0x0F
    case setEmissivity = 0x84
    /// Switches SET checksums off until the next power-on (CT family).
    case checksumsOff = 0xAD
  }

  /// CS/CSmicro heads take SET commands as they are; CT heads want a checksum after them.
  public enum Family: Sendable {
    case cs, ct
  }

  /// Standard models send (value − 1000) / 10; "hs" high-resolution ones (value − 10000) / 100.
  public enum Resolution: Sendable {
    case standard, high
  }

  public var stream: Stream
  public let resolution: Resolution
  /// SET commands followed by an XOR checksum: CT heads turn checksums on at every power-on.
  public private(set) var checksummedSets: Bool
  /// RS485 multidrop address (prefix `B0 + address`); nil on USB, where any unit answers.
  public let busAddress: UInt8?
  public let replyTimeout: Duration

  public init(
    stream: Stream, family: Family = .cs, resolution: Resolution = .standard, checksummedSets: Bool? = nil,
    busAddress: UInt8? = nil, replyTimeout: Duration = .milliseconds(200)
  ) {
    self.stream = stream
    self.resolution = resolution
    self.checksummedSets = checksummedSets ?? (family == .ct)
    self.busAddress = busAddress
    self.replyTimeout = replyTimeout
  }

  private func framed(_ command: [UInt8], isSet: Bool) -> [UInt8] {
    var bytes = command
    if isSet, checksummedSets { bytes.append(command.reduce(0, ^)) }
    if let busAddress { bytes.insert(0xB0 + busAddress, at: 0) }
    return bytes
  }

  private mutating func request(_ bytes: [UInt8], replyLength: Int) throws(OptrisError) -> [UInt8] {
    // No framing in this protocol: a stray byte would shift every later reply.
    stream.discardPending()
    do {
      try stream.write(bytes)
      return try stream.read(count: replyLength, timeout: replyTimeout)
    } catch {
      throw .transport(error)
    }
  }

  public mutating func celsius(_ command: Command) throws(OptrisError) -> Double {
    let reply = try request(framed([command.rawValue], isSet: false), replyLength: 2)
    let value = Double(Int(reply[0]) << 8 | Int(reply[1]))
    switch resolution {
    case .standard: return (value - 1000) / 10
    case .high: return (value - 10000) / 100
    }
  }

  public mutating func emissivity() throws(OptrisError) -> Double {
    let reply = try request(framed([Command.emissivity.rawValue], isSet: false), replyLength: 2)
    return Double(Int(reply[0]) << 8 | Int(reply[1])) / 1000
  }

  public mutating func serialNumber() throws(OptrisError) -> Int {
    let reply = try request(framed([Command.serialNumber.rawValue], isSet: false), replyLength: 3)
    return Int(reply[0]) << 16 | Int(reply[1]) << 8 | Int(reply[2])
  }

  /// Sets the emissivity (0.100–1.100 per the manuals' ×1000 coding); the device echoes the value.
  public mutating func setEmissivity(_ emissivity: Double) throws(OptrisError) {
    guard emissivity >= 0.1, emissivity <= 1.1 else { throw .outOfRange("emissivity \(emissivity)") }
    let value = UInt16((emissivity * 1000).rounded())
    let data = [UInt8(value >> 8), UInt8(value & 0xFF)]
    let echo = try request(framed([Command.setEmissivity.rawValue] + data, isSet: true), replyLength: 2)
    guard echo == data else { throw .notEchoed(sent: data, received: echo) }
  }

  /// Switches a CT head's SET checksums off (command `AD`, itself sent with its checksum while
  /// they are on), so later SETs go bare. The manual documents no reply, so none is awaited and
  /// the next SET shows whether it took: a head that still wants checksums ignores a bare SET
  /// (a timeout). They come back on at every power-on (reference §5), so a reconnect starts over.
  public mutating func switchChecksumsOff() throws(OptrisError) {
    stream.discardPending()
    do { try stream.write(framed([Command.checksumsOff.rawValue], isSet: true)) } catch { throw .transport(error) }
    checksummedSets = false
  }

  /// Target temperature as the object, head temperature as the ambient. The protocol has no
  /// error flag; a silent or garbled unit surfaces as a transport error.
  public mutating func readSample(at time: Seconds) throws(OptrisError) -> Sample {
    let object = try celsius(.targetTemperature)
    let head = try celsius(.headTemperature)
    return Sample(time: time, objectC: object, ambientC: head)
  }
}
