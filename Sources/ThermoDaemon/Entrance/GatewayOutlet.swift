import Logging
import Metrics
import ThermoCore
import ThermoDispatch
import ThermoStore

/// The daemon's outlet: screenings into the register, alerts through the dispatcher, the gate
/// through the relays. A store that refuses a write is logged; the dispatcher still reaches the
/// local sinks (the gate is held) — see `Dispatcher.raise`.
public struct GatewayOutlet: ScreeningOutlet {
  let store: AlertStore
  let dispatcher: Dispatcher
  let personIDs: PersonIDPolicy
  let gate: GateRelays
  /// MQTT sinks also carry each entrance's state, retained.
  let statusPublishers: [MQTTSink]
  private let logger = Logger(label: "thermogate.outlet")

  public init(
    store: AlertStore, dispatcher: Dispatcher, personIDs: PersonIDPolicy, gate: GateRelays,
    statusPublishers: [MQTTSink] = []
  ) {
    self.store = store
    self.dispatcher = dispatcher
    self.personIDs = personIDs
    self.gate = gate
    self.statusPublishers = statusPublishers
  }

  public func calibration(for key: String) async -> CalibrationRecord? {
    do {
      return try await store.reading { store throws(StoreError) in try store.currentCalibration(device: key) }
    } catch {
      logger.error("reading the calibration log: \(error.description)")
      return nil
    }
  }

  public func stateChanged(entrance: String, to state: EntranceState) async {
    for publisher in statusPublishers {
      // A broker that is away misses intermediate states; the next change (or reconnect's
      // birth message) brings displays up to date. Never hold up the entrance for it.
      Task {
        do {
          try await publisher.publishStatus(entrance: entrance, state: state.rawValue)
        } catch {
          logger.notice("\(entrance): state \(state.rawValue) not published on \(publisher.name): \(error)")
        }
      }
    }
  }

  public func record(_ decision: Decision, entrance: String, device: String?) async -> Int64? {
    do {
      let entry = RegisterEntry(decision: decision, entrance: entrance, device: device, policy: personIDs)
      return try await store.writing { store throws(StoreError) in try store.register([entry]).first }
    } catch {
      logger.error("\(entrance): screening not registered: \(error.description)")
      return nil
    }
  }

  @discardableResult
  public func raise(_ alert: Alert) async -> Int64? {
    do {
      switch try await dispatcher.raise(alert) {
      case .accepted(let id, _), .duplicate(let id), .silenced(let id, _): return id
      }
    } catch {
      logger.error("\(alert.entrance): alert not recorded (\(alert.summary)): \(error.description)")
      return nil
    }
  }

  public func secondaryWork(entrance: String, now: Double, since: Double) async -> [SecondaryCase]? {
    do {
      return try await store.reading { store throws(StoreError) in
        try store.secondaryWork(entrance: entrance, now: now, since: since)
      }
    } catch {
      logger.error("\(entrance): \(error.description)")
      return nil
    }
  }

  public func noteFeverAlert(caseID: Int64, alertID: Int64) async {
    do {
      try await store.writing { store throws(StoreError) in try store.noteFeverAlert(caseID: caseID, alertID: alertID) }
    } catch {
      logger.error("\(error.description)")
    }
  }

  public func useSecondaryPass(caseID: Int64, at wall: Double) async {
    do {
      try await store.writing { store throws(StoreError) in try store.usePass(caseID: caseID, at: wall) }
    } catch {
      logger.error("\(error.description)")
    }
  }

  public func resolve(_ kind: AlertKind, entrance: String, device: String?, at time: Double) async {
    do {
      try await store.writing { store throws(StoreError) in
        try store.resolve(kind: kind, entrance: entrance, device: device, at: time)
      }
    } catch {
      logger.error("\(entrance): could not resolve \(kind.rawValue): \(error.description)")
    }
  }

  /// An entrance is silenced by a silence on all its alerts (not one on a single kind or device).
  public func isSilenced(entrance: String, at time: Double) async -> Bool {
    let silences = (try? await store.reading { store throws(StoreError) in try store.silences(activeAt: time) }) ?? []
    return silences.contains { ($0.entrance == nil || $0.entrance == entrance) && $0.kind == nil && $0.device == nil }
  }

  public func register(screenings: [Decision], passages: [PassageRecord], entrance: String, device: String?) async
    -> RegisteredIDs?
  {
    var batch = RegisterBatch()
    batch.screenings = screenings.map {
      RegisterEntry(decision: $0, entrance: entrance, device: device, policy: personIDs)
    }
    batch.passages = passages.map { record in
      var entry = PassageEntry(decision: record.decision, entrance: entrance, policy: personIDs)
      entry.screeningID = record.screeningID
      return (entry, record.screening)
    }
    do {
      let ids = try await store.writing { [batch] store throws(StoreError) in try store.register(batch) }
      return RegisteredIDs(screenings: ids.screenings, passages: ids.passages)
    } catch {
      logger.error("\(entrance): screenings and access decisions not registered: \(error.description)")
      return nil
    }
  }

  public func releasePassage(entrance: String) async -> Bool {
    do {
      try await gate.pulse(entrance: entrance)
      return true
    } catch {
      logger.error("\(entrance): the turnstile was not released: \(error)")
      return false
    }
  }

  public func gateWorks(entrance: String) async -> Bool {
    !(await gate.relayFails(entrance))
  }

  public func holdGate(entrance: String) async -> Int64? {
    await gate.holdNow(entrance: entrance)
  }

  public func transferGateHold(entrance: String, from key: Int64, toAlert alertID: Int64) async {
    await gate.rekey(entrance: entrance, from: key, to: alertID)
  }

  public func accessDirectory(newerThan version: Int?, at wall: Double) async -> (
    version: Int, directory: AccessDirectory
  )? {
    do {
      return try await store.reading { store throws(StoreError) in
        let current = try store.directoryVersion()
        guard current != version else { return nil }
        return (current, try store.accessDirectory(at: wall))
      }
    } catch {
      logger.error("reading the staff directory: \(error.description)")
      return nil
    }
  }

  public func releaseGate(entrance: String, alertID: Int64) async {
    do {
      try await gate.release(entrance: entrance, alertID: alertID)
    } catch {
      logger.error("\(entrance): could not release the turnstile: \(error)")
    }
  }
}
