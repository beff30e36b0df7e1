import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoDaemon
import ThermoSimulation
import ThermoStore

/// The demo's secondary station: a nurse who takes an oral reading of everyone who has waited a
/// minute of gateway time, so the demo shows cases settling, one-time passes and confirmed
/// fevers reaching the doctor. The reading follows the person's infrared estimate with the
/// scatter of a real comparison; it is made up, and only the demo has this nurse — at a site the
/// readings come from the station's page, the API or the CLI.
public struct DemoNurse: Sendable {
  let store: AlertStore
  let clock: GatewayClock
  let settings: SecondarySettings
  let seed: UInt64
  /// How long a person waits at the station before the reading.
  let wait: Double = 60

  public init(store: AlertStore, clock: GatewayClock, settings: SecondarySettings, seed: UInt64) {
    self.store = store
    self.clock = clock
    self.settings = settings
    self.seed = seed
  }

  /// Until cancelled.
  public func run() async {
    while !Task.isCancelled {
      do {
        try await clock.sleep(untilMonotonic: clock.monotonicNow() + 5)
      } catch {
        return
      }
      let now = clock.wallNow()
      let waiting =
        (try? await store.reading { store throws(StoreError) in
          try store.secondaryCases(statuses: [.waiting], since: now - 3600)
        }) ?? []
      for found in waiting where now - found.openedAt >= wait {
        let value = reading(for: found)
        let (settings, time) = (settings, now)
        _ = try? await store.writing { store throws(StoreError) in
          Result { () throws(SecondaryError) -> SecondaryCase in
            try store.recordClinicalReading(
              caseID: found.id, method: .oral, valueC: value, by: "demo nurse", device: "demo oral thermometer",
              at: time, thresholds: settings.thresholds, passValidity: settings.passValidity)
          }
        }
      }
    }
  }

  /// A little below the infrared estimate on average, ±0.3 °C: the same case always reads the same.
  func reading(for found: SecondaryCase) -> Double {
    var random = SeededRandom(seed: seed &* 7919 &+ UInt64(bitPattern: found.id))
    let value = (found.infraredBodyC ?? 36.8) - 0.25 + random.normal(mean: 0, standardDeviation: 0.3)
    return min(max((value * 10).rounded() / 10, 35.5), 41.0)
  }
}
