import ThermoCore

/// Any infrared thermometer the gateway can read, whatever its bus and protocol: the daemon and
/// the CLI hold `any Thermometer` and see one error type.
public protocol Thermometer {
  mutating func sample(at time: Seconds) throws(DeviceFault) -> Sample
}

/// A device failure, sorted into the kinds an operator (and a metric) tells apart.
public struct DeviceFault: Error, Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable, CaseIterable {
    /// Unplugged, reset or hung up: reopen when it comes back.
    case disconnected
    /// No answer in time: retry; many in a row is a stalled device.
    case timeout
    /// No permission on the device node.
    case access
    /// Another process or kernel driver holds it.
    case busy
    /// The device answered, but not as its protocol says (bad checksum, wrong length, exception).
    case protocolError = "protocol"
    /// The operating system refused a read or write.
    case io
  }

  public var kind: Kind
  public var message: String

  public init(kind: Kind, message: String) {
    self.kind = kind
    self.message = message
  }

  public init(_ error: TransportError) {
    switch error {
    case .timeout: self.init(kind: .timeout, message: error.description)
    case .disconnected: self.init(kind: .disconnected, message: error.description)
    case .io: self.init(kind: .io, message: error.description)
    case .usb(let usb):
      let kind: Kind =
        switch usb.code {
        case .noDevice: .disconnected
        case .timeout: .timeout
        case .access: .access
        case .busy: .busy
        case .pipe, .overflow: .protocolError
        default: .io
        }
      self.init(kind: kind, message: usb.description)
    }
  }

  public var description: String { message }
}

/// A driver's own error that may wrap a transport failure; everything else it reports is the
/// device breaking its protocol.
public protocol DriverError: Error, CustomStringConvertible {
  var transportError: TransportError? { get }
}

extension DeviceFault {
  public init(driver error: some DriverError) {
    if let transport = error.transportError {
      self.init(transport)
    } else {
      self.init(kind: .protocolError, message: error.description)
    }
  }
}

extension BridgeError: DriverError {
  public var transportError: TransportError? {
    if case .transport(let error) = self { error } else { nil }
  }
}

extension PyroUSBError: DriverError {
  public var transportError: TransportError? {
    if case .transport(let error) = self { error } else { nil }
  }
}

extension OptrisError: DriverError {
  public var transportError: TransportError? {
    if case .transport(let error) = self { error } else { nil }
  }
}

extension TEMPerSensor.Failure: DriverError {
  public var transportError: TransportError? {
    if case .transport(let error) = self { error } else { nil }
  }
}

extension MLX90614Thermometer: Thermometer {
  public mutating func sample(at time: Seconds) throws(DeviceFault) -> Sample {
    do { return try readSample(at: time) } catch { throw DeviceFault(driver: error) }
  }
}

extension PyroUSBThermometer: Thermometer {
  public mutating func sample(at time: Seconds) throws(DeviceFault) -> Sample {
    do { return try readSample(at: time) } catch { throw DeviceFault(driver: error) }
  }
}

extension OptrisThermometer: Thermometer {
  public mutating func sample(at time: Seconds) throws(DeviceFault) -> Sample {
    do { return try readSample(at: time) } catch { throw DeviceFault(driver: error) }
  }
}

/// A TEMPer stick is a room-ambient reference, not a skin thermometer: read as a `Thermometer`
/// its object reading is the external probe where it has one, else its internal sensor, and
/// its ambient reading the internal sensor. The firmware is identified on the first read.
extension TEMPerSensor: Thermometer {
  public mutating func sample(at time: Seconds) throws(DeviceFault) -> Sample {
    do throws(Failure) {
      // `read` identifies the firmware first when it is not known yet.
      let reading = try read()
      return Sample(time: time, objectC: reading.externalC ?? reading.internalC, ambientC: reading.internalC)
    } catch {
      throw DeviceFault(driver: error)
    }
  }
}
