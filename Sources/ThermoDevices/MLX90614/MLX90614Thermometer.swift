import ThermoCore

/// An MLX90614 behind any SMBus bridge: reads the ambient and object words and makes a `Sample`.
public struct MLX90614Thermometer<Bridge: SMBusBridge> {
  public var bridge: Bridge
  public let address: UInt8
  public let pecPolicy: MLX90614.PECPolicy
  /// Words whose PEC did not match but were accepted under `PECPolicy.accept`.
  public private(set) var acceptedPECMismatches = 0

  public init(bridge: Bridge, address: UInt8 = MLX90614.defaultAddress, pecPolicy: MLX90614.PECPolicy = .reject) {
    self.bridge = bridge
    self.address = address
    self.pecPolicy = pecPolicy
  }

  public mutating func readWord(_ command: MLX90614.Command) throws(BridgeError) -> UInt16 {
    let result = try bridge.readWord(address: address, command: command.rawValue, pecPolicy: pecPolicy)
    if !result.pecMatched { acceptedPECMismatches += 1 }
    return result.word
  }

  /// Ambient, then object temperature, as one sample stamped `time` by the caller (the driver
  /// reads no clock either). A word with the sensor's error flag makes a flagged sample rather
  /// than an error, so that the detector counts it as the sensor's fault.
  public mutating func readSample(at time: Seconds) throws(BridgeError) -> Sample {
    let ambientWord = try readWord(.ambientTemperature)
    let objectWord = try readWord(.objectTemperature1)
    let ambient = try? MLX90614.celsius(fromTemperatureWord: ambientWord)
    let object = try? MLX90614.celsius(fromTemperatureWord: objectWord)
    return Sample(
      time: time, objectC: object ?? .nan, ambientC: ambient ?? .nan, sensorError: object == nil || ambient == nil)
  }
}
