import Foundation
import Testing
import ThermoConfiguration
import ThermoCore
import ThermoDaemon
import ThermoDispatch
import ThermoStore

/// What a gateway killed between committing a screening and raising its alert finds at start.
@Suite struct StartupRecoveryTests {
  @Test func aRegisteredFeverWithoutItsAlertIsAlertedOnceAtStart() async throws {
    let path = NSTemporaryDirectory() + "recovery-\(UUID().uuidString).sqlite"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let store = try AlertStore(path: path)
    let now = 100_000.0
    func screening(_ screeningClass: ScreeningClass, at time: Double) -> RegisterEntry {
      RegisterEntry(
        decision: Decision(
          time: time, screeningClass: screeningClass, reason: .atOrAboveThreshold, person: "E7", rawObjectC: 36,
          skinC: 36, ambientC: 22, bodyC: 38.4, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
          guardBandC: 0.1, calibrationID: "c", bodyModelVersion: "m", recheck: nil, sampleCount: 8),
        entrance: "north", device: "sim:mlx90614", policy: .plain)
    }
    let ids = try store.register([
      screening(.fever, at: now - 60), screening(.normal, at: now - 50), screening(.fever, at: now - 3 * 86_400),
    ])
    let outlet = RecordingOutlet()
    let recovery = StartupRecovery(
      store: store, configuration: GatewayConfiguration(file: "<test>"), clock: .manual(at: now))
    #expect(await recovery.raiseMissingAlerts(through: outlet) == 1, "the day's fever only, not the normal")
    let alerts = await outlet.alerts
    #expect(alerts.map(\.kind) == [.fever])
    #expect(alerts.first?.screeningID == ids[0])
    #expect(alerts.first?.summary.contains("E7") == true)
  }
}
