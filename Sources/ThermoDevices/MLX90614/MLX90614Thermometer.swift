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

/// Why an emissivity change did not take.
public enum EmissivityWriteError: Error, Sendable, Equatable, CustomStringConvertible {
  case outOfRange(Double)
  case bridge(BridgeError)
  /// The cell reads back something else: the write was refused (bad PEC, a locked part) or the
  /// erase did not happen.
  case notWritten(expected: UInt16, readBack: UInt16)

  public var description: String {
    switch self {
    case .outOfRange(let value): "emissivity \(value) is outside 0.1–1.0"
    case .bridge(let error): error.description
    case .notWritten(let expected, let readBack):
      "MLX90614 emissivity cell reads 0x\(hex(readBack)) after writing 0x\(hex(expected)); the value is unchanged or corrupt"
    }
  }
}

extension MLX90614Thermometer {
  public mutating func emissivity() throws(BridgeError) -> Double {
    MLX90614.emissivity(fromWord: try readWord(.emissivity))
  }

  /// Writes the emissivity cell the way the application note says: erase (write 0), wait for
  /// the EEPROM, write the value, wait, read it back. The part applies it after a power cycle.
  /// `pause` waits for the EEPROM (the kernel allows 20 ms); tests pass one that returns at once.
  public mutating func setEmissivity(
    _ emissivity: Double, eepromDelay: Duration = .milliseconds(20), pause: (Duration) -> Void
  ) throws(EmissivityWriteError) {
    guard emissivity >= 0.1, let word = MLX90614.emissivityWord(emissivity) else { throw .outOfRange(emissivity) }
    let cell = MLX90614.Command.emissivity.rawValue
    let readBack: UInt16
    do throws(BridgeError) {
      try bridge.writeWord(address: address, command: cell, word: 0)
      pause(eepromDelay)
      try bridge.writeWord(address: address, command: cell, word: word)
      pause(eepromDelay)
      readBack = try readWord(.emissivity)
    } catch {
      throw .bridge(error)
    }
    guard readBack == word else { throw .notWritten(expected: word, readBack: readBack) }
  }
}
