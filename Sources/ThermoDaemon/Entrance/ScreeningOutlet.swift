import ThermoCore
import ThermoDispatch
import ThermoStore

/// Where an entrance's results go: the register, the dispatcher, the gate. The daemon wires the
/// real ones; tests pass a recorder.
public protocol ScreeningOutlet: Sendable {
  /// Registers a screening; returns its register ID, or nil when the store refused it (the
  /// outlet reports that itself).
  func record(_ decision: Decision, entrance: String, device: String?) async -> Int64?
  /// Returns the alert's ID in the store (nil when it could not be stored).
  @discardableResult
  func raise(_ alert: Alert) async -> Int64?
  /// Closes a condition (a device fault, a missing device) that has cleared.
  func resolve(_ kind: AlertKind, entrance: String, device: String?, at time: Double) async
  func isSilenced(entrance: String, at time: Double) async -> Bool
  /// Opens the turnstile held for an earlier reading (a re-check came back normal).
  func releaseGate(entrance: String, alertID: Int64) async
  /// The entrance's state changed (published retained on MQTT for guard displays).
  func stateChanged(entrance: String, to state: EntranceState) async
  /// What the calibration log says of a device now (its latest calibration or failed check).
  func calibration(for key: String) async -> CalibrationRecord?
  /// Registers screenings and access decisions (wall-clock times) in one transaction, a
  /// decision naming its screening by index; nil when the store refused them (the outlet
  /// reports that itself). A grant is released only after this returned.
  func register(screenings: [Decision], passages: [PassageRecord], entrance: String, device: String?) async
    -> RegisteredIDs?
  /// Releases the entrance's turnstile for one passage; false when the relay did not do it.
  func releasePassage(entrance: String) async -> Bool
  /// Whether the entrance's turnstile relay does what it is told (false after a failed command,
  /// until one works).
  func gateWorks(entrance: String) async -> Bool
  /// Holds a free-flow turnstile at once, before any record; returns the hold's key.
  func holdGate(entrance: String) async -> Int64?
  /// Gives the hold `key` to the alert raised for it, so its acknowledgement releases it.
  func transferGateHold(entrance: String, from key: Int64, toAlert alertID: Int64) async
  /// The credentials the entrances accept, when they changed since `version` (nil: never read).
  func accessDirectory(newerThan version: Int?, at wall: Double) async -> (version: Int, directory: AccessDirectory)?
  /// What the secondary station settled for this entrance (`AlertStore.secondaryWork`); nil when
  /// the store could not be read.
  func secondaryWork(entrance: String, now: Double, since: Double) async -> [SecondaryCase]?
  /// The doctor's alert for a case confirmed at the station was stored as `alertID`.
  func noteFeverAlert(caseID: Int64, alertID: Int64) async
  /// A cleared person went through on their one-time pass.
  func useSecondaryPass(caseID: Int64, at wall: Double) async
}

/// An access decision to register, and the index of its screening in the same batch.
public struct PassageRecord: Sendable {
  public var decision: AccessDecision
  public var screening: Int?
  /// The register row of a screening written earlier (the ID came after the reading's batch).
  public var screeningID: Int64?
}

public struct RegisteredIDs: Sendable, Equatable {
  public var screenings: [Int64?]
  public var passages: [Int64]

  public init(screenings: [Int64?], passages: [Int64]) {
    self.screenings = screenings
    self.passages = passages
  }
}

extension ScreeningOutlet {
  public func stateChanged(entrance: String, to state: EntranceState) async {}
  public func calibration(for key: String) async -> CalibrationRecord? { nil }
  public func releasePassage(entrance: String) async -> Bool { true }
  public func holdGate(entrance: String) async -> Int64? { nil }
  public func gateWorks(entrance: String) async -> Bool { true }
  public func transferGateHold(entrance: String, from key: Int64, toAlert alertID: Int64) async {}
  public func secondaryWork(entrance: String, now: Double, since: Double) async -> [SecondaryCase]? { [] }
  public func noteFeverAlert(caseID: Int64, alertID: Int64) async {}
  public func useSecondaryPass(caseID: Int64, at wall: Double) async {}
  public func accessDirectory(newerThan version: Int?, at wall: Double) async -> (
    version: Int, directory: AccessDirectory
  )? { nil }

  /// Screenings one by one through `record`; access decisions are not kept.
  public func register(screenings: [Decision], passages: [PassageRecord], entrance: String, device: String?) async
    -> RegisteredIDs?
  {
    var ids: [Int64?] = []
    for decision in screenings { ids.append(await record(decision, entrance: entrance, device: device)) }
    return RegisteredIDs(screenings: ids, passages: passages.map { _ in 0 })
  }
}
