import Foundation
import ThermoCore

/// The idempotency key without its store scope (`<store>:alert-…`).
func unscoped(_ key: String) -> String {
  String(key.split(separator: ":").last ?? "")
}

func temporaryDatabase() -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("thermogate-\(UUID().uuidString).sqlite").path
}

/// A registered screening as the core decides it, at `time`.
func sampleDecision(at time: Double) -> Decision {
  Decision(
    time: time, screeningClass: .normal, reason: .belowThreshold, person: "E12345", rawObjectC: 35.2, skinC: 35.3,
    ambientC: 22.1, bodyC: 36.9, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil, guardBandC: 0.1,
    calibrationID: "cal-7", bodyModelVersion: BodyModel.foreheadMaxV1.version, recheck: nil, sampleCount: 12)
}
