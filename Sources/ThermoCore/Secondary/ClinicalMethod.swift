/// How a clinical thermometer at the secondary station took its reading. Each site measures a
/// different temperature, so each has its own fever threshold.
public enum ClinicalMethod: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
  case oral
  /// Tympanic (infrared ear thermometer).
  case ear
  case axillary
  /// A contact forehead thermometer (not the entrance's non-contact screening).
  case foreheadContact = "forehead_contact"
}
