import Logging
import ThermoConfiguration
import ThermoCore
import ThermoDispatch
import ThermoStore

/// What a gateway that stopped without warning (kill -9, an OOM kill, a watchdog abort, a power
/// cut) takes over from the record before it screens anyone: the re-checks still open and the
/// numbering, the turnstile holds still due, and the alerts a crash kept from being raised.
public struct StartupRecovery: Sendable {
  /// A turnstile hold the record still calls for: an open elevated or fever alert at a
  /// free-flow (`screen`) entrance, raised less than the longest hold ago.
  public struct Hold: Sendable, Equatable {
    public var entrance: String
    public var alertID: Int64
    /// Monotonic gateway time.
    public var until: Double
  }

  let store: AlertStore
  let configuration: GatewayConfiguration
  let clock: GatewayClock
  private let logger = Logger(label: "thermogate.recovery")

  public init(store: AlertStore, configuration: GatewayConfiguration, clock: GatewayClock) {
    self.store = store
    self.configuration = configuration
    self.clock = clock
  }

  /// The re-checks the register shows open, and each entrance's last number: one read for every
  /// entrance that starts without a carried pipeline. Nil when the register cannot be read (the
  /// entrances then start with none).
  public func recordedRechecks() async -> RecordedRechecks? {
    let longestWindow =
      configuration.entrances.map { configuration.pipelineConfiguration(for: $0).recheckWindow }
      .max() ?? 0
    let now = clock.wallNow()
    do {
      let (open, last) = try await store.reading { store throws(StoreError) in
        (try store.openRechecks(since: now - longestWindow), try store.lastRecheckIDs())
      }
      return RecordedRechecks(open: open, lastIDs: last, now: now, wallMinusMonotonic: now - clock.monotonicNow())
    } catch {
      logger.error("cannot read the open re-checks (\(error)); they start empty")
      return nil
    }
  }

  /// The emergency releases in force and their version (nil when the store cannot be read):
  /// an evacuation must not re-lock because the gateway restarted.
  public func emergencyReleases() async -> (active: [EmergencyRelease], version: Int)? {
    do {
      let state = try await store.reading { store throws(StoreError) in try store.emergencyReleaseState() }
      for release in state.active {
        logger.notice(
          "emergency release \(release.id) of \(release.entrance ?? "every entrance") (by \(release.startedBy): \(release.reason)) is still in force"
        )
      }
      return state
    } catch {
      logger.error("cannot read the emergency releases (\(error)); every turnstile starts locked")
      return nil
    }
  }

  /// The holds the record still calls for.
  public func holds() async -> [Hold] {
    let freeFlow = Set(configuration.entrances.filter { $0.access.mode == .screen && $0.gate != nil }.map(\.name))
    guard !freeFlow.isEmpty else { return [] }
    let now = clock.wallNow()
    let offset = now - clock.monotonicNow()
    let longest = configuration.maximumGateHold
    do {
      let open = try await store.reading { store throws(StoreError) in try store.alerts(openOnly: true, limit: 1000) }
      return open.filter {
        [.fever, .elevated].contains($0.kind) && freeFlow.contains($0.entrance) && $0.raisedAt >= now - longest
      }.map { Hold(entrance: $0.entrance, alertID: $0.id, until: $0.raisedAt + longest - offset) }
    } catch {
      logger.error("cannot read the open alerts for the turnstile holds (\(error)); every turnstile starts released")
      return []
    }
  }

  /// Raises the alert of every elevated or fever screening of the last day that has none: the
  /// gateway stopped between committing the screening and raising its alert. Returns how many.
  @discardableResult
  public func raiseMissingAlerts(through outlet: any ScreeningOutlet) async -> Int {
    let now = clock.wallNow()
    let entries: [RegisterEntry]
    do {
      entries = try await store.reading { store throws(StoreError) in
        try store.screeningsWithoutAlert(since: now - 86_400)
      }
    } catch {
      logger.error("cannot look for screenings without their alert (\(error))")
      return 0
    }
    var raised = 0
    for entry in entries {
      guard let decision = Decision(entry: entry), let id = entry.id else { continue }
      // The register's person is already in its kept form: worded as it is.
      let alerts = EntranceAlerts(entrance: entry.entrance, thermometer: entry.device ?? "", personIDs: .plain)
      guard let alert = alerts.screening(decision, device: entry.device ?? "", registerID: id) else { continue }
      if await outlet.raise(alert) != nil {
        raised += 1
        logger.warning("\(entry.entrance): \(entry.screeningClass) screening \(id) had no alert (a crash); raised now")
      }
    }
    return raised
  }
}

/// The register's open re-checks as read at start, put into each entrance's fresh pipeline on
/// its clock.
public struct RecordedRechecks: Sendable {
  let open: [RecheckRecord]
  let lastIDs: [String: Int]
  let now: Double
  /// Wall-clock minus monotonic gateway time when read: record times convert with it.
  let wallMinusMonotonic: Double

  /// Puts the entrance's re-checks still inside its own window into `pipeline`; returns how many.
  @discardableResult
  public func restore(into pipeline: inout EntrancePipeline, entrance: String) -> Int {
    let window = pipeline.configuration.recheckWindow
    let windows = open.filter { $0.entrance == entrance && $0.openedAt >= now - window }.map {
      OpenRecheck(
        id: $0.id, person: $0.person, openedAt: $0.openedAt - wallMinusMonotonic,
        deadline: $0.openedAt + window - wallMinusMonotonic, bodyC: $0.bodyC)
    }
    pipeline.restoreRechecks(windows, lastID: lastIDs[entrance] ?? 0)
    return windows.count
  }
}
