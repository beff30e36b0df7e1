#if canImport(Glibc)
  import Glibc
#endif

/// A thermometer whose emissivity setting can be written (before a calibration, the technician
/// sets the value the site uses for skin).
public protocol EmissivitySetting {
  mutating func applyEmissivity(_ emissivity: Double) throws(DeviceFault)
  /// The setting the device measures with now.
  mutating func currentEmissivity() throws(DeviceFault) -> Double
  /// The MLX90614 reads its EEPROM at power-up only.
  var emissivityNeedsPowerCycle: Bool { get }
}

extension MLX90614Thermometer: EmissivitySetting {
  public var emissivityNeedsPowerCycle: Bool { true }

  public mutating func currentEmissivity() throws(DeviceFault) -> Double {
    do { return try emissivity() } catch {
      throw DeviceFault(kind: .protocolError, message: "reading the emissivity: \(error)")
    }
  }

  /// Writes the EEPROM cell (the part applies it after a power cycle: unplug and replug).
  public mutating func applyEmissivity(_ emissivity: Double) throws(DeviceFault) {
    do {
      try setEmissivity(emissivity) { duration in
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        usleep(UInt32(max(0, microseconds)))
      }
    } catch {
      throw DeviceFault(kind: .protocolError, message: "writing the emissivity: \(error)")
    }
  }
}

extension OptrisThermometer: EmissivitySetting {
  public var emissivityNeedsPowerCycle: Bool { false }

  public mutating func currentEmissivity() throws(DeviceFault) -> Double {
    do { return try emissivity() } catch {
      throw DeviceFault(kind: .protocolError, message: "reading the emissivity: \(error)")
    }
  }

  public mutating func applyEmissivity(_ emissivity: Double) throws(DeviceFault) {
    do {
      try setEmissivity(emissivity)
    } catch {
      throw DeviceFault(kind: .protocolError, message: "setting the emissivity: \(error)")
    }
  }
}
