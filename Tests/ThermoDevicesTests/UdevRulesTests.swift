import Foundation
import Testing

@testable import ThermoDevices

/// The rules file in udev-rules/ must parse and give the gateway's group access to every device
/// a driver supports, never to everyone.
@Suite struct UdevRulesTests {
  static var rulesFile: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("udev-rules/70-thermogate.rules")
  }

  /// The file's rules, continuation lines joined, each as its `KEY{attr}OP"value"` tokens.
  static func rules() throws -> [[String]] {
    let text = try String(contentsOf: rulesFile, encoding: .utf8)
    var rules: [[String]] = []
    var pending = ""
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("#") || (trimmed.isEmpty && pending.isEmpty) { continue }
      if trimmed.hasSuffix("\\") {
        pending += trimmed.dropLast() + " "
        continue
      }
      let rule = pending + trimmed
      pending = ""
      rules.append(rule.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
    return rules
  }

  @Test func everyTokenIsAWellFormedAssignmentOrMatch() throws {
    let token = try Regex(#"^[A-Z_]+(\{[^}]+\})?(==|!=|=|\+=|-=|:=)"[^"]*"$"#)
    let rules = try Self.rules()
    #expect(!rules.isEmpty)
    for rule in rules {
      for part in rule {
        #expect(part.wholeMatch(of: token) != nil, "malformed token \(part)")
      }
    }
  }

  @Test func everySupportedUSBDeviceGetsGroupAccessAndNoneGetsWorldAccess() throws {
    let rules = try Self.rules()
    for family in DeviceFamily.allCases {
      for id in family.usbIDs {
        let vendor = String(format: "%04x", id.vendor)
        let product = String(format: "%04x", id.product)
        let rule = rules.first {
          $0.contains("ATTR{idVendor}==\"\(vendor)\"") && $0.contains("ATTR{idProduct}==\"\(product)\"")
        }
        #expect(rule != nil, "\(family.rawValue) \(vendor):\(product) has no rule")
        #expect(rule?.contains("GROUP=\"thermogate\"") == true)
        #expect(rule?.contains("MODE=\"0660\"") == true)
        #expect(rule?.contains { $0.hasPrefix("SYMLINK+=\"thermogate/") } == true)
      }
    }
    #expect(!rules.joined().contains { $0.contains("0666") })
    // The turnstile relay is for the gateway's group only.
    let relay = rules.first { $0.contains("ATTR{idVendor}==\"16c0\"") }
    #expect(relay?.contains("TAG+=\"uaccess\"") == false)
  }
}
