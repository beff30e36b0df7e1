import Testing
import ThermoConfiguration
import ThermoCore

/// `threshold.confirm_offset_c`: the re-check's confirm level above the alarm level in force.
@Suite struct ConfirmOffsetSettingsTests {
  @Test func theOffsetIsReadForTheDefaultsAndPerEntranceAndInheritedOtherwise() throws {
    let settings = try ScreeningSettings.parse(
      """
      screening:
        threshold: {fixed_c: 37.3, guard_band_c: 0.1, confirm_offset_c: 0.1}
      entrances:
        - name: north
          threshold: {confirm_offset_c: 0.2}
        - name: south
          threshold: {mode: adaptive}
      """, file: "gate.yaml")
    #expect(settings.configuration(entrance: "west", device: nil).threshold.confirmOffsetC == 0.1)
    #expect(settings.configuration(entrance: "north", device: nil).threshold.confirmOffsetC == 0.2)
    let south = settings.configuration(entrance: "south", device: nil).threshold
    #expect(south.confirmOffsetC == 0.1)
    #expect(south.mode == .adaptive(offsetC: 1.0, idleReset: 1800))
  }

  @Test func withoutTheKeyTheChosenRuleApplies() throws {
    let settings = try ScreeningSettings.parse("screening:\n  threshold: {fixed_c: 37.5}\n", file: "gate.yaml")
    #expect(settings.defaults.threshold.confirmOffsetC == ThresholdPolicy.defaultConfirmOffsetC)
  }

  @Test(arguments: [
    ("0.03", "0.03"), ("1.5", "1.5"), ("-0.1", "-0.1"),
  ])
  func aBadOffsetIsRefusedNamingTheFieldAndWhere(value: String, shown: String) {
    do {
      _ = try ScreeningSettings.parse(
        "screening:\n  threshold:\n    confirm_offset_c: \(value)\n", file: "gate.yaml")
      Issue.record("accepted confirm_offset_c \(value)")
    } catch {
      #expect(
        error.problems.map(\.description) == [
          "gate.yaml:3:23: screening.threshold.confirm_offset_c must be 0.0–1.0 °C in 0.05 °C steps, got \(shown)"
        ])
    }
  }

  @Test func aNonNumberIsRefused() {
    do {
      _ = try ScreeningSettings.parse("screening:\n  threshold: {confirm_offset_c: high}\n", file: "gate.yaml")
      Issue.record("accepted a word")
    } catch {
      #expect(error.problems.map(\.description).first?.contains("confirm_offset_c must be a number") == true)
    }
  }
}
