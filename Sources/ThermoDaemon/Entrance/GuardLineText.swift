import ThermoCore

/// The guard line in words. English only until the locale catalogue (zh-CN) words it.
enum GuardLineText {
  static func english(_ line: GuardLine) -> String {
    switch line.instruction {
    case .goThrough: "Go through"
    case .measure: "ID accepted — measure now"
    case .presentID:
      line.reason == nil ? "Reading taken — show your ID" : "Denied: no ID shown (\(reasonText(line.reason)))"
    case .measureAgain: "Could not read — measure again, then show your ID"
    case .secondaryScreening: "Denied: elevated — to secondary screening"
    case .callDoctor: "Denied: fever confirmed — keep apart, call the doctor on duty"
    case .seeGuard: "Denied: \(reasonText(line.reason)) — see the guard"
    case .deviceFault: "Denied: the entrance cannot screen now — the guard decides"
    case .badgeAgain: "Badge not read — present it again"
    }
  }

  static func reasonText(_ reason: AccessReason?) -> String {
    switch reason {
    case nil: ""
    case .normal: "normal"
    case .noID: "no ID"
    case .unknownID: "unknown ID"
    case .expiredID: "ID or pass expired"
    case .notYetValid: "ID not valid yet"
    case .blockedID: "ID blocked"
    case .elevated: "elevated temperature"
    case .fever: "fever"
    case .retry: "reading not usable"
    case .deviceFault: "device fault"
    case .timeout: "ID and reading not paired in time"
    }
  }
}
