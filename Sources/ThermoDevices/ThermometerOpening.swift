/// Opens the thermometer a configuration address names. The gate box's hardware
/// (`ThermometerOpener`) and the demo's simulation implement it, so the daemon runs unchanged on
/// either.
public protocol ThermometerOpening: Sendable {
  func openThermometer(_ address: DeviceAddress) throws(DeviceFault) -> any Thermometer
}

extension DeviceAddress {
  /// The simulated kinds `sim:KIND` accepts as a thermometer.
  public static let simulatedThermometerKinds = ["mlx90614", "mcp2221", "cp2112", "pyrousb", "optris"]
}
