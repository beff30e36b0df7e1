import Foundation
import Testing
import ThermoConfiguration
import ThermoCore

@Suite struct ScreeningSettingsTests {
  @Test func aValidConfigurationSetsDefaultsEntrancesAndCalibrations() throws {
    let settings = try ScreeningSettings.parse(
      """
      screening:
        threshold:
          fixed_c: 37.5
          guard_band_c: 0.2
        recheck_window_s: 300
        warm_up_s: 1800
        detector:
          minimum_burst_samples: 5
          burst_value: maximum
      entrances:
        - name: north
          threshold:
            mode: adaptive
            baseline_offset_c: 0.8
      devices:
        - id: mcp-0001
          calibration: {id: cal-2026-11-01, offset_c: 0.21, gain: 1.01}
        - id: optris-7
          warm_up_s: 600
      """, file: "gate.yaml")
    let south = settings.configuration(entrance: "south", device: nil)
    #expect(south.threshold.fixedThresholdC == 37.5)
    #expect(south.threshold.guardBandC == 0.2)
    #expect(south.recheckWindow == 300)
    #expect(south.warmUp == 1800)
    #expect(south.detector.minimumBurstSamples == 5)
    #expect(south.detector.burstValue == .maximum)
    #expect(south.calibration == .identity)
    let north = settings.configuration(entrance: "north", device: "mcp-0001")
    #expect(north.threshold.mode == .adaptive(offsetC: 0.8, idleReset: 1800))
    #expect(north.threshold.fixedThresholdC == 37.5)
    #expect(north.calibration == DeviceCalibration(id: "cal-2026-11-01", offsetC: 0.21, gain: 1.01))
    #expect(north.warmUp == 1800)
    let optris = settings.configuration(entrance: "north", device: "optris-7")
    #expect(optris.warmUp == 600)
    #expect(optris.calibration == .identity)
  }

  @Test func everyProblemIsReportedWithFileLineAndColumn() {
    let text = """
      screening:
        threshold:
          fixed_c: 37.25
        detectr: {}
        recheck_window_s: soon
      entrances:
        - name: north
        - name: north
      devices:
        - id: mcp-1
          calibration: {id: c1, offset_c: 2.5}
        - id: mcp-1
      """
    do {
      _ = try ScreeningSettings.parse(text, file: "gate.yaml")
      Issue.record("an invalid configuration was accepted")
    } catch {
      let lines = error.problems.map(\.description)
      #expect(
        lines == [
          "gate.yaml:3:14: screening.threshold.fixed_c must be 34.0–39.0 °C in 0.1 °C steps, got 37.25",
          "gate.yaml:4:3: unknown key 'detectr' in screening (expected one of: threshold, detector, recheck_window_s, warm_up_s, body_model)",
          "gate.yaml:5:21: screening.recheck_window_s must be a number, got 'soon'",
          "gate.yaml:8:11: entrance 'north' is defined twice",
          "gate.yaml:11:37: devices[0].calibration.offset_c must be between -1.0 and 1.0, got 2.5",
          "gate.yaml:12:9: device 'mcp-1' is defined twice",
        ])
    }
  }

  @Test func yamlSyntaxErrorsAreLocated() {
    do {
      _ = try ScreeningSettings.parse("screening:\n  threshold: [1, 2\n", file: "bad.yaml")
      Issue.record("accepted broken YAML")
    } catch {
      #expect(error.problems.count == 1)
      #expect(error.problems[0].file == "bad.yaml")
      #expect(error.problems[0].line >= 2)
      #expect(error.problems[0].message.hasPrefix("YAML syntax"))
    }
  }

  @Test func aBodyModelFileIsFoundBesideTheConfiguration() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let model = BodyModel(version: "site-v2", intercept: 15.5, skinCoefficient: 0.65, ambientCoefficient: -0.05)
    try BodyModelFile.render(model, notes: ["test"]).write(
      to: directory.appendingPathComponent("model.yaml"), atomically: true, encoding: .utf8)
    let configPath = directory.appendingPathComponent("gate.yaml").path
    try "screening:\n  body_model: model.yaml\n".write(toFile: configPath, atomically: true, encoding: .utf8)
    let settings = try ScreeningSettings.load(path: configPath)
    #expect(settings.defaults.bodyModel == model)
  }

  @Test func entranceKeysAreCheckedOnceAndDetectorLimitsAreEnforced() {
    let text = """
      entrances:
        - name: north
          thershold: {}
      screening:
        detector:
          stuck_minimum_duration_s: -5
          skin_range_c: [40, 30]
      """
    do {
      _ = try ScreeningSettings.parse(text, file: "g.yaml")
      Issue.record("accepted")
    } catch {
      #expect(
        error.problems.map(\.description) == [
          "g.yaml:3:5: unknown key 'thershold' in entrances[0] (expected one of: name, threshold, detector, recheck_window_s, warm_up_s, body_model, thermometer, "
            + "ambient_reference, badge, gate, mode, pairing_window_s)",
          "g.yaml:6:31: screening.detector.stuck_minimum_duration_s must be 0 or more seconds",
          "g.yaml:7:19: screening.detector.skin_range_c must list the lowest value first",
        ])
    }
  }

  @Test func theSkinRangeIsConfigurable() throws {
    let settings = try ScreeningSettings.parse("screening:\n  detector:\n    skin_range_c: [25, 45]\n", file: "g.yaml")
    #expect(settings.defaults.detector.plausibleSkinRangeC == 25...45)
  }

  @Test func aFittedModelWithAnAwkwardNameReadsBackUnchanged() throws {
    let model = BodyModel(
      version: "site: x # \"quoted\"", intercept: 15, skinCoefficient: 0.6, ambientCoefficient: -0.05)
    let text = BodyModelFile.render(model, notes: ["note"])
    #expect(try BodyModelFile.parse(text, file: "m.yaml") == model)
  }
}
