import ThermoDevices

extension DeviceAddress {
  /// What the calibration log is keyed by: the driver, the device's serial number, port or path,
  /// and the sensor's bus address when it has one (two MLX90614s behind one bridge, two PyroUSB
  /// heads on one line are two sensors); other read options (baud rate, PEC) do not make another
  /// device. Simulated devices keep all their options: they are their identity.
  public var calibrationKey: String {
    guard driver != .sim else { return description }
    var bare = self
    bare.options = options.filter { $0.key == "address" }
    if let address = integerOption("address") { bare.options["address"] = String(address) }
    return bare.description
  }
}
