/// What the doctor decided for a person with a confirmed fever. The raw values are the codes in
/// the API, the CLI, the register and the reports.
public enum Disposition: String, Sendable, Equatable, CaseIterable, Codable {
  case clearedAfterClinicalCheck = "cleared_after_clinical_check"
  case sentHome = "sent_home"
  case takenToHospital = "taken_to_hospital"
  case isolated
}
