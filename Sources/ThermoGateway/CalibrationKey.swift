import ThermoDevices

extension DeviceAddress {
  /// What the calibration log is keyed by: the driver and the device's serial number, port or
  /// path, without read options (an SMBus address or baud rate does not make another device).
  /// Simulated devices keep their options: they are their identity.
  public var calibrationKey: String {
    guard driver != .sim else { return description }
    var bare = self
    bare.options = [:]
    return bare.description
  }
}
