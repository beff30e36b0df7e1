/// One measurement of one person: the value of a stable burst of samples.
public struct Screening: Sendable, Equatable {
  /// When the burst became stable (the decision time).
  public var time: Seconds
  /// Uncalibrated object temperature that represents the burst (median or maximum).
  public var rawObjectC: Celsius
  public var ambientC: Celsius
  public var sampleCount: Int
  public var spreadC: Celsius
  /// Set when the detector saw the device fail rather than a person; such a screening is a `fault`.
  public var sensorFault: SensorFault?
  /// The badge announced for this subject's pass, if any.
  public var person: String?

  public init(
    time: Seconds, rawObjectC: Celsius, ambientC: Celsius, sampleCount: Int = 1,
    spreadC: Celsius = 0, sensorFault: SensorFault? = nil, person: String? = nil
  ) {
    self.time = time
    self.rawObjectC = rawObjectC
    self.ambientC = ambientC
    self.sampleCount = sampleCount
    self.spreadC = spreadC
    self.sensorFault = sensorFault
    self.person = person
  }
}

/// How the detector knows the device, not the person, is wrong.
public enum SensorFault: String, Sendable, Equatable, CaseIterable {
  /// Consecutive samples carried the device's error flag or non-finite values.
  case errorFlag = "sensor_error_flag"
  /// The object reading repeated exactly for longer than real sensor noise allows.
  case stuckReading = "stuck_reading"
}
