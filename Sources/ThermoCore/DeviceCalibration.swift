/// A per-device linear correction of the radiometric channel: `corrected = gain · raw + offset`.
///
/// Only the object reading is corrected; the site-to-body step is the body model's job.
public struct DeviceCalibration: Sendable, Equatable {
  public var id: String
  public var offsetC: Celsius
  public var gain: Double

  public init(id: String, offsetC: Celsius = 0, gain: Double = 1) {
    self.id = id
    self.offsetC = offsetC
    self.gain = gain
  }

  /// No correction; used for devices that have never been calibrated.
  public static let identity = DeviceCalibration(id: "uncalibrated")

  @inline(__always)
  public func corrected(_ rawC: Celsius) -> Celsius { gain * rawC + offsetC }
}
