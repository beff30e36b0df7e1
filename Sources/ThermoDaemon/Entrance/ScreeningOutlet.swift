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
}

extension ScreeningOutlet {
  public func stateChanged(entrance: String, to state: EntranceState) async {}
  public func calibration(for key: String) async -> CalibrationRecord? { nil }
}
