import ThermoStore

/// The screening register as CSV (RFC 4180 quoting) or JSON Lines, both from the one screening
/// wire shape (`ScreeningMessage`).
public enum RegisterExport {
  /// The CSV's columns, in the order spreadsheets and scripts built on the export expect: the
  /// register's names among the message's fields.
  static let columns: [ScreeningMessage.CodingKeys] = [
    .id, .time, .entrance, .device, .screeningClass, .reason, .rawObjectC, .skinC, .ambientC, .bodyC, .thresholdC,
    .thresholdSource, .baselineC, .guardBandC, .calibrationID, .bodyModelVersion, .recheckID, .recheckRole, .person,
    .sampleCount, .accessOutcome, .accessReason, .secondaryStatus, .clinicalMethod, .clinicalC, .disposition,
  ]

  static var fields: [String] { columns.map(\.stringValue) }

  public static var csvHeader: String { fields.joined(separator: ",") }

  /// One CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
  public static func csvField(_ text: String) -> String {
    text.contains { ",\"\n\r".contains($0) } ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
  }

  /// The row's message as JSON, read back field by field, so a column holds exactly what the
  /// JSON export has under that name.
  public static func csvRow(_ entry: RegisterEntry) -> String {
    let object: [String: JSONValue]
    if case .object(let fields) = JSONValue(parsing: jsonLine(entry)) { object = fields } else { object = [:] }
    return fields.map { name in
      switch object[name] ?? .null {
      case .string(let text): csvField(text)
      case .number(let number): JSONLine.number(number, decimals: 2)
      case .bool(let bool): bool ? "true" : "false"
      case .null: ""
      case .array, .object: csvField(WireJSON.string(object[name]))
      }
    }.joined(separator: ",")
  }

  public static func jsonLine(_ entry: RegisterEntry) -> String {
    WireJSON.string(ScreeningMessage(entry: entry))
  }
}
