import Logging
import ThermoDevices
import ThermoDispatch
import ThermoStore

/// The turnstile relays of all entrances behind the dispatcher's `GateOutput`: each entrance's
/// channel on its board, boards opened when first needed and reopened after a failure.
///
/// The holds are the truth and the relay follows them: every change to an entrance's holds
/// submits the state they now call for, at once and in order, to the relay thread
/// (`RelayBoards`), which does the transfers off the async pool. So a release that overlaps a
/// hold still in flight can never leave the turnstile open behind a held person.
///
/// An emergency release (free passage) overrides both: an `access` entrance's release input is
/// held on, a `screen` entrance's holds are suspended (kept, and obeyed again when it ends).
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
  /// Alerts released (acknowledged, cleared) recently: a hold for one of them that arrives late
  /// (the gate sink retrying) does not shut the gate again.
  private var released = RecentAlerts(capacity: 1000)
  /// Entrances whose relay failed to follow their holds and will be tried again.
  private var retrying: Set<String> = []
  /// Entrances whose relay did not follow at its last command: an `access` lane there cannot
  /// release anyone, so the entrance denies as a device fault until it works again.
  private var failing: Set<String> = []
  /// `access` entrances: their channel is the turnstile's release input, pulsed once per
  /// passage and off otherwise; they are never held (the turnstile is locked by itself).
  private var releaseEntrances: Set<String>
  private var releasePulse: Double
  /// Release inputs being pulsed now.
  private var pulsing: Set<String> = []
  /// The emergency releases in force, as the store had them at `emergencyVersion`; they stay
  /// through a reload (the relays live as long as the daemon).
  private var emergencyReleases: [EmergencyRelease] = []
  private var emergencyVersion = Int.min

  public init(
    gates: [String: DeviceAddress], relays: any RelayOpening, status: GatewayStatus?, maximumHold: Double = 30,
    releaseEntrances: Set<String> = [], releasePulse: Double = 0.3, clock: GatewayClock = GatewayClock()
  ) {
    self.gates = gates
    self.releaseEntrances = releaseEntrances
    self.releasePulse = releasePulse
    boards = RelayBoards(opener: relays)
    self.status = status
    self.maximumHold = maximumHold
    self.clock = clock
  }

  /// A new configuration: entrances and relays may have moved. Holds of entrances that keep
  /// their relay stay; the others are released first.
  public func configure(
    gates newGates: [String: DeviceAddress], relays: any RelayOpening, status: GatewayStatus?, maximumHold: Double,
    releaseEntrances: Set<String> = [], releasePulse: Double = 0.3
  ) async {
    var releasing: [RelayCommand] = []
    for (entrance, address) in gates where newGates[entrance] != address && relayIsOn(entrance) {
      holds[entrance] = nil
      // Off on the channel it leaves, even in free passage: the new channel is opened below.
      if let command = submit(entrance, forcing: false) { releasing.append(command) }
    }
    self.status = status
    status?.showEmergency(emergencyReleases)
    // A new configuration may bring a new store, whose versions start again: its state (set next
    // by the daemon) is taken whatever its version.
    emergencyVersion = Int.min
    gates = newGates
    self.maximumHold = maximumHold
    self.releaseEntrances = releaseEntrances
    self.releasePulse = releasePulse
    let configured = boards.configure(opener: relays, keeping: Set(newGates.values.map(\.relayBoard.description)))
    for command in releasing { try? await command.wait() }
    try? await configured.wait()
    // Lanes in free passage stay so on the new configuration (a new channel, a new mode).
    for entrance in newGates.keys.sorted() where inFreePassage(entrance) {
      try? await follow(entrance)
    }
  }

  /// Puts the emergency releases in force (the store's active ones at `version`): the lanes they
  /// cover let everyone through until they are cleared, then each relay goes back to what its
  /// holds (or pulses) call for. A state older than the one applied is ignored.
  public func setEmergency(_ releases: [EmergencyRelease], version: Int) async {
    guard version >= emergencyVersion else { return }
    emergencyVersion = version
    let before = Set(gates.keys.filter(inFreePassage))
    emergencyReleases = releases
    status?.showEmergency(releases)
    let after = Set(gates.keys.filter(inFreePassage))
    for entrance in before.symmetricDifference(after).sorted() {
      let free = after.contains(entrance)
      if free {
        let what = releaseEntrances.contains(entrance) ? "release input held on" : "holds suspended, relay off"
        logger.notice("\(entrance): free passage (emergency release); turnstile \(what)")
      } else {
        logger.notice("\(entrance): free passage ended; the turnstile follows its holds again")
      }
      do {
        try await follow(entrance)
      } catch {
        logger.error("\(entrance): the turnstile relay could not be switched for the emergency release (\(error))")
      }
    }
  }

  /// The entrances whose turnstile is in free passage now.
  public var freePassageEntrances: Set<String> {
    Set(gates.keys.filter(inFreePassage))
  }

  private func inFreePassage(_ entrance: String) -> Bool {
    emergencyReleases.contains { $0.covers(entrance) }
  }

  /// Whether the entrance's relay is (or is being switched) on now.
  private func relayIsOn(_ entrance: String) -> Bool {
    if releaseEntrances.contains(entrance) { return inFreePassage(entrance) || pulsing.contains(entrance) }
    return !inFreePassage(entrance) && !(holds[entrance]?.isEmpty ?? true)
  }

  public func hold(entrance: String) async throws {
    anonymousHolds -= 1
    try await hold(entrance: entrance, alertID: anonymousHolds)
  }

  public func hold(entrance: String, alertID: Int64) async throws {
    guard !released.contains(alertID), !releaseEntrances.contains(entrance) else { return }
    holds[entrance, default: []].insert(alertID)
    expire(entrance, alertID: alertID, at: clock.monotonicNow() + maximumHold)
    guard let command = submit(entrance) else { return }
    do {
      try await command.wait()
    } catch {
      // Not held: the gate sink retries, and the relay follows whatever holds are left.
      holds[entrance]?.remove(alertID)
      try? await follow(entrance)
      throw error
    }
  }

  private func expire(_ entrance: String, alertID: Int64, at expiry: Double) {
    let clock = clock
    Task {
      try? await clock.sleep(untilMonotonic: expiry)
      await self.expire(entrance, alertID: alertID)
    }
  }

  /// At start, before anyone is screened: every configured turnstile is set to what the record
  /// says — held for the alerts whose hold is still due, released otherwise (a relay board
  /// keeps its state across a crash, so it must not be trusted to be off).
  public func restore(_ restored: [StartupRecovery.Hold]) async {
    for hold in restored where gates[hold.entrance] != nil && !releaseEntrances.contains(hold.entrance) {
      holds[hold.entrance, default: []].insert(hold.alertID)
      expire(hold.entrance, alertID: hold.alertID, at: hold.until)
      logger.notice("\(hold.entrance): turnstile held again for alert \(hold.alertID), as before the restart")
    }
    for entrance in gates.keys.sorted() {
      do {
        try await follow(entrance)
      } catch {
        logger.error("\(entrance): the turnstile relay could not be set at start (\(error)); trying again")
      }
    }
  }

  private func expire(_ entrance: String, alertID: Int64) async {
    guard holds[entrance]?.remove(alertID) != nil else { return }
    logger.notice("\(entrance): hold for alert \(alertID) ended after \(Int(maximumHold)) s without acknowledgement")
    try? await follow(entrance)
  }

  public func release(entrance: String, alertID: Int64) async throws {
    if alertID > 0 { released.insert(alertID) }
    guard holds[entrance]?.remove(alertID) != nil else { return }
    try await follow(entrance)
  }

  /// Releases an `access` entrance's turnstile for one passage: its release input is pulsed,
  /// and the turnstile's own timer locks it again after the passage (never a level held: a
  /// latching relay left on by a crash would leave the lane open).
  public func pulse(entrance: String) async throws {
    // In free passage the release input is held on already: nothing to pulse.
    guard releaseEntrances.contains(entrance), gates[entrance] != nil, !inFreePassage(entrance) else { return }
    pulsing.insert(entrance)
    guard let on = submit(entrance) else { return }
    do {
      try await on.wait()
    } catch {
      pulsing.remove(entrance)
      try? await follow(entrance)
      throw error
    }
    try? await clock.sleep(untilMonotonic: clock.monotonicNow() + releasePulse)
    pulsing.remove(entrance)
    try await follow(entrance)
  }

  /// Holds a free-flow turnstile at once for a person being denied, before their alert exists
  /// (the safe action never waits for the disk). Returns the hold's key; `rekey` gives the hold
  /// to the alert once it is stored, so its acknowledgement releases it.
  public func holdNow(entrance: String) async -> Int64? {
    guard gates[entrance] != nil, !releaseEntrances.contains(entrance) else { return nil }
    anonymousHolds -= 1
    let key = anonymousHolds
    do {
      try await hold(entrance: entrance, alertID: key)
    } catch {
      logger.error("\(entrance): the turnstile could not be held (\(error)); trying again")
    }
    return key
  }

  /// The hold `key` now belongs to the alert `alertID`; its longest hold runs from now (the
  /// alert is stored a moment after the hold was taken).
  public func rekey(entrance: String, from key: Int64, to alertID: Int64) {
    guard !released.contains(alertID), holds[entrance]?.remove(key) != nil else { return }
    holds[entrance, default: []].insert(alertID)
    expire(entrance, alertID: alertID, at: clock.monotonicNow() + maximumHold)
  }

  /// Releases every hold of the entrance.
  public func release(entrance: String) async throws {
    holds[entrance] = nil
    try await follow(entrance)
  }

  /// Shutdown: no turnstile stays shut behind a gateway that is not running. A lane in free
  /// passage stays open: the release is in force until a guard clears it, and the next start
  /// applies it again from the store.
  public func releaseAll() async {
    let held = holds.filter { !$0.value.isEmpty }.keys
    holds = [:]
    let commands = held.compactMap { submit($0) }
    for command in commands { try? await command.wait() }
  }

  /// The entrances whose turnstile is held now.
  public var heldEntrances: Set<String> {
    Set(holds.filter { !$0.value.isEmpty }.keys)
  }

  /// Switches the relay to what the entrance's holds call for now. When the board fails, the
  /// switch is tried again every two seconds until it works: a turnstile must not stay shut (or
  /// open) because one transfer failed.
  private func follow(_ entrance: String) async throws {
    guard let command = submit(entrance) else { return }
    do {
      try await command.wait()
      failing.remove(entrance)
    } catch {
      failing.insert(entrance)
      retryLater(entrance)
      throw error
    }
  }

  /// Whether the entrance's relay failed its last command (and is being tried again).
  public func relayFails(_ entrance: String) -> Bool {
    failing.contains(entrance)
  }

  private func retryLater(_ entrance: String) {
    guard retrying.insert(entrance).inserted else { return }
    let at = clock.monotonicNow() + 2
    let clock = clock
    Task {
      try? await clock.sleep(untilMonotonic: at)
      await self.retry(entrance)
    }
  }

  private func retry(_ entrance: String) async {
    retrying.remove(entrance)
    do {
      try await follow(entrance)
      logger.notice("\(entrance): the turnstile relay follows its holds again")
    } catch {
      logger.error("\(entrance): the turnstile relay still fails (\(error)); trying again")
    }
  }

  /// Submits the relay state the entrance's holds, pulses and free passage call for now, or
  /// the one `forcing` says (nil: no turnstile there).
  private func submit(_ entrance: String, forcing forced: Bool? = nil) -> RelayCommand? {
    guard let address = gates[entrance], let channel = address.integerOption("channel") else { return nil }
    let status = status
    let logger = logger
    let on = forced ?? relayIsOn(entrance)
    if releaseEntrances.contains(entrance) {
      let onePassage = on && !inFreePassage(entrance)
      return boards.submit(address, channel: channel, on: on) {
        if onePassage { logger.info("\(entrance): turnstile released for one passage (relay channel \(channel))") }
      }
    }
    return boards.submit(address, channel: channel, on: on) {
      status?.update(entrance) { $0?.gateHeld = on }
      logger.notice("\(entrance): turnstile \(on ? "held" : "released") (relay channel \(channel))")
    }
  }
}
