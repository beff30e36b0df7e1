import ThermoCore
import Yams

/// The secondary station: each clinical method's fever threshold, and how long a cleared
/// person's one-time pass at their entrance lasts.
public struct SecondarySettings: Sendable, Equatable {
  public static let keys = ["fever_c", "pass_valid_s"]
  public static let passValidityRange: ClosedRange<Double> = 60...14_400

  public var thresholds = ClinicalThresholds.default
  /// Long enough to walk back from the station; short enough that the pass is not a way in
  /// tomorrow.
  public var passValidity = 1800.0

  public init() {}
}

extension GatewayConfigurationLoader {
  /// The `secondary:` section.
  mutating func secondary(_ node: Node) -> SecondarySettings {
    var settings = SecondarySettings()
    guard let fields = reader.mapping(node, "secondary", allowed: SecondarySettings.keys) else { return settings }
    if let value = fields["pass_valid_s"],
      let seconds = reader.double(value, "secondary.pass_valid_s", in: SecondarySettings.passValidityRange)
    {
      settings.passValidity = seconds
    }
    if let value = fields["fever_c"],
      let methods = reader.mapping(value, "secondary.fever_c", allowed: ClinicalMethod.allCases.map(\.rawValue))
    {
      var overrides: [ClinicalMethod: Celsius] = [:]
      for (name, valueNode) in methods {
        guard let method = ClinicalMethod(rawValue: name),
          let threshold = reader.double(valueNode, "secondary.fever_c.\(name)", in: ClinicalThresholds.allowedRangeC)
        else { continue }
        overrides[method] = threshold
      }
      do {
        settings.thresholds = try ClinicalThresholds(overrides: overrides)
      } catch {
        reader.report(value, "secondary.fever_c.\(error.description)")
      }
    }
    return settings
  }
}
