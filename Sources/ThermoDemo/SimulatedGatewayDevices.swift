import ThermoConfiguration
import ThermoDaemon
import ThermoDevices
import ThermoSimulation

/// The daemon's devices with simulations for `sim:` addresses and the gate box's hardware for
/// the rest: thermometer models facing simulated people, relay board models, and a badge desk
/// where each visitor's card is typed at the entrance they come to. Injected through
/// `GatewayDaemon.Options.devices`, the same door the hardware comes through.
public struct SimulatedGatewayDevices: Sendable {
  public let clock: GatewayClock
  public let desk: SimulatedBadgeDesk
  /// One set of board models for the daemon's life, so a reload keeps the turnstiles' state.
  public let relays: SimulatedRelays
  private let usb = SharedUSBContext()

  public init(clock: GatewayClock, desk: SimulatedBadgeDesk = SimulatedBadgeDesk()) {
    self.clock = clock
    self.desk = desk
    relays = SimulatedRelays()
  }

  /// The devices for one configuration (USB opened only when it names a USB device).
  public func devices(for configuration: GatewayConfiguration) -> GatewayDevices {
    let hardware = GatewayDevices.hardware(usb: configuration.needsUSB ? usb.get() : nil)
    let clock = clock
    let desk = desk
    return GatewayDevices(
      thermometers: { entrance in
        var opener = SimulatedThermometerOpener(hardware: hardware.thermometers(entrance), clock: clock.monotonicNow)
        opener.onArrival = { visitor, time in desk.present(visitor.workID, at: entrance, time: time) }
        return opener
      },
      relays: SimulatedRelays.Fallback(simulated: relays, hardware: hardware.relays), badgeFeed: desk)
  }
}
