import ThermoDevices

/// Where the daemon's devices come from: the gate box's hardware, or a simulation of it that
/// speaks the same protocols (the demo, the tests). The daemon never knows which.
public struct GatewayDevices: Sendable {
  /// The opener of one entrance's thermometer and ambient reference (a simulation puts that
  /// entrance's people in front of it).
  public var thermometers: @Sendable (_ entrance: String) -> any ThermometerOpening
  /// The turnstile relay boards.
  public var relays: any RelayOpening
  /// Badge readers that are not an input node the daemon reads itself (`badge: sim`).
  public var badgeFeed: (any BadgeFeed)?

  public init(
    thermometers: @escaping @Sendable (_ entrance: String) -> any ThermometerOpening, relays: any RelayOpening,
    badgeFeed: (any BadgeFeed)? = nil
  ) {
    self.thermometers = thermometers
    self.relays = relays
    self.badgeFeed = badgeFeed
  }

  /// The gate box's own USB bridges, serial heads and relay boards.
  public static func hardware(usb: USBContext?) -> GatewayDevices {
    let opener = ThermometerOpener(usb: usb)
    return GatewayDevices(thermometers: { _ in opener }, relays: USBRelayOpener(usb: usb))
  }
}
