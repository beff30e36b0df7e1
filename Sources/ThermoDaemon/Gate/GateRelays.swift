import Logging
import ThermoDevices
import ThermoDispatch

/// The turnstile relays of all entrances behind the dispatcher's `GateOutput`: each entrance's
/// channel on its board, boards opened when first needed and reopened after a failure. The
/// transfers themselves run on the relay thread (`RelayBoards`), never on the async pool.
public actor GateRelays: GateOutput {
  private var gates: [String: DeviceAddress]
  private var status: GatewayStatus?
  private let boards: RelayBoards
  private let logger = Logger(label: "thermogate.gate")

  /// A hold nobody releases (no acknowledgement, no re-check) ends by itself after this long, so
  /// an entrance is never left shut: the alert stays open for the duty office.
  private var maximumHold: Double
  private let clock: GatewayClock
  /// The alerts holding each entrance's turnstile, each with its own expiry; the relay is
  /// released only when none is left, so clearing one person never opens the gate on another.
  private var holds: [String: Set<Int64>] = [:]
  private var anonymousHolds = Int64(-1)

  public init(
    gates: [String: DeviceAddress], relays: any RelayOpening, status: GatewayStatus?, maximumHold: Double = 120,
    clock: GatewayClock = GatewayClock()
  ) {
    self.gates = gates
    boards = RelayBoards(opener: relays)
    self.status = status
    self.maximumHold = maximumHold
    self.clock = clock
  }

  /// A new configuration: entrances and relays may have moved. Holds of entrances that keep
  /// their relay stay; the others are released first.
  public func configure(
    gates newGates: [String: DeviceAddress], relays: any RelayOpening, status: GatewayStatus?, maximumHold: Double
  ) async {
    self.status = status
    for (entrance, address) in gates where newGates[entrance] != address && !(holds[entrance]?.isEmpty ?? true) {
      try? await set(entrance, on: false)
      holds[entrance] = nil
    }
    await boards.configure(opener: relays, keeping: Set(newGates.values.map(RelayBoards.boardKey)))
    gates = newGates
    self.maximumHold = maximumHold
  }

  public func hold(entrance: String) async throws {
    anonymousHolds -= 1
    try await hold(entrance: entrance, alertID: anonymousHolds)
  }

  public func hold(entrance: String, alertID: Int64) async throws {
    try await set(entrance, on: true)
    holds[entrance, default: []].insert(alertID)
    let expiry = clock.monotonicNow() + maximumHold
    let clock = clock
    Task {
      try? await clock.sleep(untilMonotonic: expiry)
      await self.expire(entrance, alertID: alertID)
    }
  }

  private func expire(_ entrance: String, alertID: Int64) async {
    guard let held = holds[entrance], held.contains(alertID) else { return }
    logger.notice("\(entrance): hold for alert \(alertID) ended after \(Int(maximumHold)) s without acknowledgement")
    // The hold counts until the relay has switched, so nobody sees it ended with the gate shut.
    if held == [alertID] { try? await set(entrance, on: false) }
    holds[entrance]?.remove(alertID)
  }

  public func release(entrance: String, alertID: Int64) async throws {
    guard holds[entrance]?.remove(alertID) != nil else { return }
    if holds[entrance]?.isEmpty ?? true { try await set(entrance, on: false) }
  }

  /// Releases every hold of the entrance.
  public func release(entrance: String) async throws {
    holds[entrance] = nil
    try await set(entrance, on: false)
  }

  /// Shutdown: no turnstile stays shut behind a gateway that is not running.
  public func releaseAll() async {
    for entrance in holds.keys where !(holds[entrance]?.isEmpty ?? true) {
      try? await set(entrance, on: false)
    }
    holds = [:]
  }

  /// The entrances whose turnstile is held now.
  public var heldEntrances: Set<String> {
    Set(holds.filter { !$0.value.isEmpty }.keys)
  }

  private func set(_ entrance: String, on: Bool) async throws {
    guard let address = gates[entrance] else { return }  // no turnstile at this entrance
    guard let channel = address.integerOption("channel") else { return }
    try await boards.set(address, channel: channel, on: on)
    status?.update(entrance) { $0?.gateHeld = on }
    logger.notice("\(entrance): turnstile \(on ? "held" : "released") (relay channel \(channel))")
  }
}
