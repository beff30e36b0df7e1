import ThermoCore

/// One row of `thermogate classify` input: a raw sample (samples mode) or a finished screening
/// (screenings mode) at one entrance.
public struct ReadingRow: Sendable, Equatable {
  public var line: Int
  public var entrance: String
  public var time: Seconds
  public var objectC: Celsius
  public var ambientC: Celsius
  public var person: String?
  public var device: String?
  public var sensorError: Bool

  public init(
    line: Int, entrance: String, time: Seconds, objectC: Celsius, ambientC: Celsius,
    person: String? = nil, device: String? = nil, sensorError: Bool = false
  ) {
    self.line = line
    self.entrance = entrance
    self.time = time
    self.objectC = objectC
    self.ambientC = ambientC
    self.person = person
    self.device = device
    self.sensorError = sensorError
  }

  public var sample: Sample {
    Sample(time: time, objectC: objectC, ambientC: ambientC, sensorError: sensorError)
  }
}

/// A row that could not be read, with where and why.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
  public var source: String
  public var line: Int
  public var field: String?
  public var message: String

  public init(source: String, line: Int, field: String?, message: String) {
    self.source = source
    self.line = line
    self.field = field
    self.message = message
  }

  public var description: String {
    let place = line > 0 ? "\(source):\(line)" : source
    if let field { return "\(place): field '\(field)': \(message)" }
    return "\(place): \(message)"
  }
}
