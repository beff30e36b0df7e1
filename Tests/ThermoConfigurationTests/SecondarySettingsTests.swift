import Testing
import ThermoConfiguration
import ThermoCore

/// The `secondary:` section: per-method fever thresholds and the cleared person's pass.
@Suite struct SecondarySettingsTests {
  static let entrance = """
    entrances:
      - {name: north, thermometer: "sim:mlx90614"}
    """

  func problems(_ text: String) -> [String] {
    do {
      _ = try GatewayConfiguration.parse(Self.entrance + "\n" + text, file: "gate.yaml")
      return []
    } catch {
      return error.problems.map(\.description)
    }
  }

  @Test func theDefaultsApplyAndASiteCanSetItsOwnLines() throws {
    let plain = try GatewayConfiguration.parse(Self.entrance, file: "gate.yaml")
    #expect(plain.secondary == SecondarySettings())
    #expect(plain.secondary.thresholds.threshold(for: .axillary) == 37.3)
    let site = try GatewayConfiguration.parse(
      Self.entrance + "\nsecondary: {fever_c: {oral: 37.3, ear: 38.0}, pass_valid_s: 900}", file: "gate.yaml")
    #expect(site.secondary.thresholds.threshold(for: .oral) == 37.3)
    #expect(site.secondary.thresholds.threshold(for: .ear) == 38.0)
    #expect(site.secondary.thresholds.threshold(for: .axillary) == 37.3)
    #expect(site.secondary.passValidity == 900)
  }

  @Test func badValuesAreNamedWithTheirPlace() {
    let rectal = problems("secondary: {fever_c: {rectal: 38.0}}")
    #expect(rectal.count == 1 && rectal[0].contains("rectal") && rectal[0].hasPrefix("gate.yaml:"), "\(rectal)")
    let hot = problems("secondary: {fever_c: {oral: 41}}")
    #expect(hot.count == 1 && hot[0].contains("secondary.fever_c.oral"), "\(hot)")
    let pass = problems("secondary: {pass_valid_s: 5}")
    #expect(pass.count == 1 && pass[0].contains("secondary.pass_valid_s"), "\(pass)")
    let unknown = problems("secondary: {fever: 38}")
    #expect(unknown.count == 1 && unknown[0].contains("fever"), "\(unknown)")
  }
}
