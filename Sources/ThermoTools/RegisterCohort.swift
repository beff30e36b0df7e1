import ThermoCore
import ThermoStore

/// The site's own paired data: each clinical reading at the secondary station with the infrared
/// screening that sent the person there. Only people the entrance referred get a clinical
/// reading, so the pairs cover the warm end of the range; a fit on them is judged with the same
/// assessment as a cohort fit, and is not to be trusted until there are enough of them.
public struct RegisterCohort: Sendable {
  /// Fewer pairs than this, or fewer fevers, and the fit says so and is not written.
  public static let trustedPairs = 50
  public static let trustedFevers = 5
  /// Below this room-temperature span the ambient term is not determined by the data.
  public static let trustedAmbientSpanC = 2.0

  public var observations: [PairedObservation]
  public var method: ClinicalMethod

  public init(pairs: [ClinicalPair], method: ClinicalMethod) {
    self.method = method
    observations = pairs.filter { $0.method == method }.map {
      PairedObservation(subject: "case-\($0.caseID)", skinC: $0.skinC, ambientC: $0.ambientC, oralC: $0.clinicalC)
    }
  }

  /// Why the fit is not to be trusted yet; empty when it can be.
  public func trustProblems(feverReferenceC: Celsius) -> [String] {
    var problems: [String] = []
    if observations.count < Self.trustedPairs {
      problems.append(
        "too few pairs to trust it: \(observations.count) \(method.rawValue) reading(s) paired with a screening, "
          + "\(Self.trustedPairs) needed")
    }
    let fevers = observations.filter { $0.oralC >= feverReferenceC }.count
    if fevers < Self.trustedFevers {
      problems.append(
        "too few fevers to judge sensitivity: \(fevers) at or above \(feverReferenceC) °C, \(Self.trustedFevers) needed"
      )
    }
    let ambient = observations.map(\.ambientC)
    if let low = ambient.min(), let high = ambient.max(), high - low < Self.trustedAmbientSpanC {
      problems.append(
        "room temperature spans only \(String(format: "%.1f", high - low)) °C: the ambient term is not determined")
    }
    return problems
  }
}
