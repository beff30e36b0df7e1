/// One raw reading of an infrared thermometer, as a driver delivers it.
public struct Sample: Sendable, Equatable {
  public var time: Seconds
  /// Object (target) temperature, uncalibrated.
  public var objectC: Celsius
  /// The sensor's own ambient (die) temperature.
  public var ambientC: Celsius
  /// The device flagged this reading as erroneous (MLX90614 bit 15, a status byte, …).
  public var sensorError: Bool

  public init(time: Seconds, objectC: Celsius, ambientC: Celsius, sensorError: Bool = false) {
    self.time = time
    self.objectC = objectC
    self.ambientC = ambientC
    self.sensorError = sensorError
  }
}
