/// The fever threshold of each clinical method: a reading at or above it confirms a fever, one
/// below it clears the person.
public struct ClinicalThresholds: Sendable, Equatable {
  /// Thresholds a site may set: outside this a "fever" means nothing clinically.
  public static let allowedRangeC: ClosedRange<Celsius> = 36.5...39.0
  /// A reading outside this is no human's temperature (a typo, a thermometer in the wrong mode)
  /// and is refused rather than taken as a result.
  public static let plausibleReadingC: ClosedRange<Celsius> = 34.0...43.0

  /// Sources in the README ("Secondary screening"): axillary 37.3 °C is the 2020 Chinese practice
  /// for sending a person to a fever clinic; oral 37.5 °C is the fever reference the screening
  /// rule is measured against (the bundled cohorts' oral reference); tympanic 37.8 °C is the usual
  /// ear-thermometer fever line (37.6–37.8 °C); a contact forehead thermometer reports an
  /// oral-equivalent, so it takes the oral line.
  public static let `default` = ClinicalThresholds(
    checked: [.oral: 37.5, .ear: 37.8, .axillary: 37.3, .foreheadContact: 37.5])

  public private(set) var feverC: [ClinicalMethod: Celsius]

  private init(checked: [ClinicalMethod: Celsius]) { feverC = checked }

  /// The defaults with `overrides` applied; a threshold outside `allowedRangeC` is refused,
  /// naming the method.
  public init(overrides: [ClinicalMethod: Celsius]) throws(ScreeningConfigurationError) {
    var thresholds = Self.default.feverC
    for (method, value) in overrides {
      guard value.isFinite, Self.allowedRangeC.contains(value) else {
        throw ScreeningConfigurationError(
          field: method.rawValue,
          message:
            "must be a fever threshold of \(Self.allowedRangeC.lowerBound)–\(Self.allowedRangeC.upperBound) °C, got \(value)"
        )
      }
      thresholds[method] = value
    }
    feverC = thresholds
  }

  public func threshold(for method: ClinicalMethod) -> Celsius {
    feverC[method] ?? Self.default.feverC[method] ?? 37.5
  }

  /// What a clinical reading says of the person, or why it cannot be taken.
  public func settle(method: ClinicalMethod, valueC: Celsius) throws(ClinicalReadingError) -> ClinicalOutcome {
    guard valueC.isFinite, Self.plausibleReadingC.contains(valueC) else {
      throw .implausible(valueC: valueC, range: Self.plausibleReadingC)
    }
    return valueC >= threshold(for: method) ? .feverConfirmed : .cleared
  }
}

/// What a clinical reading settled.
public enum ClinicalOutcome: String, Sendable, Equatable, Codable {
  /// Below the method's threshold: the person may go in, once, at the entrance they came from.
  case cleared
  /// At or above it: the doctor on call is called.
  case feverConfirmed = "fever_confirmed"
}

/// Why a clinical reading was refused.
public enum ClinicalReadingError: Error, Equatable, CustomStringConvertible {
  case implausible(valueC: Celsius, range: ClosedRange<Celsius>)
  case unknownMethod(String)

  public var description: String {
    switch self {
    case .implausible(let value, let range):
      "value_c \(value) °C is not a body temperature (accepted \(range.lowerBound)–\(range.upperBound) °C)"
    case .unknownMethod(let name):
      "method '\(name)' is not known (use one of: \(ClinicalMethod.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
  }
}
