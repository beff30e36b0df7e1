import Logging
import ThermoDevices
import ThermoDispatch
import ThermoSimulation

/// The turnstile relays of all entrances behind the dispatcher's `GateOutput`: each entrance's
/// channel on its board, boards opened when first needed and reopened after a failure.
public actor GateRelays: GateOutput {
  private var gates: [String: DeviceAddress]
  private var usb: USBContext?
  private var status: GatewayStatus?
  private var boards: [String: any RelaySwitch] = [:]
  private let logger = Logger(label: "thermogate.gate")
  /// Simulated boards, one per `sim:relay` address, so a test or the demo can read them back.
  private var simulated: [String: SimulatedRelay] = [:]

  /// A hold nobody releases (no acknowledgement, no re-check) ends by itself after this long, so
  /// an entrance is never left shut: the alert stays open for the duty office.
  private var maximumHold: Double
  private let clock: GatewayClock
  /// The alerts holding each entrance's turnstile, each with its own expiry; the relay is
  /// released only when none is left, so clearing one person never opens the gate on another.
  private var holds: [String: Set<Int64>] = [:]
  private var anonymousHolds = Int64(-1)

  public init(
    gates: [String: DeviceAddress], usb: USBContext?, status: GatewayStatus?, maximumHold: Double = 120,
    clock: GatewayClock = GatewayClock()
  ) {
    self.gates = gates
    self.usb = usb
    self.status = status
    self.maximumHold = maximumHold
    self.clock = clock
  }

  /// A new configuration: entrances and relays may have moved. Holds of entrances that keep
  /// their relay stay; the others are released first.
  public func configure(
    gates newGates: [String: DeviceAddress], usb: USBContext?, status: GatewayStatus?, maximumHold: Double
  ) {
    self.usb = usb ?? self.usb
    self.status = status
    for (entrance, address) in gates where newGates[entrance] != address && !(holds[entrance]?.isEmpty ?? true) {
      try? set(entrance, on: false)
      holds[entrance] = nil
    }
    for (key, _) in boards where !newGates.values.contains(where: { Self.boardKey($0) == key }) {
      boards[key] = nil  // closes the board (and gives its USB interface back)
    }
    gates = newGates
    self.maximumHold = maximumHold
  }

  public func hold(entrance: String) async throws {
    anonymousHolds -= 1
    try await hold(entrance: entrance, alertID: anonymousHolds)
  }

  public func hold(entrance: String, alertID: Int64) async throws {
    try set(entrance, on: true)
    holds[entrance, default: []].insert(alertID)
    let wait = clock.realSeconds(maximumHold)
    Task {
      try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
      await self.expire(entrance, alertID: alertID)
    }
  }

  private func expire(_ entrance: String, alertID: Int64) {
    guard holds[entrance]?.remove(alertID) != nil else { return }
    logger.notice("\(entrance): hold for alert \(alertID) ended after \(Int(maximumHold)) s without acknowledgement")
    if holds[entrance]?.isEmpty ?? true { try? set(entrance, on: false) }
  }

  public func release(entrance: String, alertID: Int64) async throws {
    guard holds[entrance]?.remove(alertID) != nil else { return }
    if holds[entrance]?.isEmpty ?? true { try set(entrance, on: false) }
  }

  /// Releases every hold of the entrance.
  public func release(entrance: String) async throws {
    holds[entrance] = nil
    try set(entrance, on: false)
  }

  /// Shutdown: no turnstile stays shut behind a gateway that is not running.
  public func releaseAll() {
    for entrance in holds.keys where !(holds[entrance]?.isEmpty ?? true) {
      try? set(entrance, on: false)
    }
    holds = [:]
  }

  /// Whether the entrance's relay channel is energised, as its board reports it (simulated
  /// boards only; nil for a real board or an entrance without a gate).
  public func simulatedChannelState(entrance: String) -> Bool? {
    guard let address = gates[entrance], let channel = address.integerOption("channel") else { return nil }
    return simulated[Self.boardKey(address)]?.board.transport.model.isOn(channel)
  }

  private func set(_ entrance: String, on: Bool) throws {
    guard let address = gates[entrance] else { return }  // no turnstile at this entrance
    guard let channel = address.integerOption("channel") else { return }
    let key = Self.boardKey(address)
    do {
      var board = try boards[key] ?? open(address)
      try board.set(channel: channel, on: on)
      boards[key] = board
      status?.update(entrance) { $0?.gateHeld = on }
      logger.notice("\(entrance): turnstile \(on ? "held" : "released") (relay channel \(channel))")
    } catch {
      boards[key] = nil
      throw error
    }
  }

  private static func boardKey(_ address: DeviceAddress) -> String {
    var board = address
    board.options["channel"] = nil
    return board.description
  }

  private func open(_ address: DeviceAddress) throws -> any RelaySwitch {
    if address.driver == .sim {
      let key = Self.boardKey(address)
      let relay = try simulated[key] ?? SimulatedRelay()
      simulated[key] = relay
      return relay
    }
    guard let usb else { throw DeviceFault(kind: .io, message: "USB is not available in this process") }
    return USBRelaySwitch(board: try GateRelayOpener.open(address, usb: usb))
  }
}

protocol RelaySwitch {
  mutating func set(channel: Int, on: Bool) throws
}

struct USBRelaySwitch: RelaySwitch {
  var board: USBRelayBoard<USBHIDTransport>

  mutating func set(channel: Int, on: Bool) throws {
    try board.setChannel(channel, on: on)
  }
}

/// An eight-channel board model answering the same feature reports as the real one, so the
/// relay driver runs unchanged in the demo.
final class SimulatedRelay: RelaySwitch {
  var board: USBRelayBoard<SimulatedFeatureReportTransport<USBRelayModel>>

  init() throws {
    let transport = SimulatedFeatureReportTransport(model: USBRelayModel(serial: "SIMRL", channelCount: 8))
    board = try USBRelayBoard(transport: transport, channelCount: 8)
  }

  func set(channel: Int, on: Bool) throws {
    try board.setChannel(channel, on: on)
  }
}
