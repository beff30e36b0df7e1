import ThermoStore

/// The screening register as CSV (RFC 4180 quoting) or JSON Lines, with the same fields.
public enum RegisterExport {
  static let fields = [
    "id", "time", "entrance", "device", "class", "reason", "raw_object_c", "skin_c", "ambient_c", "body_c",
    "threshold_c", "threshold_source", "baseline_c", "guard_band_c", "calibration_id", "body_model_version",
    "recheck_id", "recheck_role", "person", "sample_count",
  ]

  public static var csvHeader: String { fields.joined(separator: ",") }

  private static func values(_ entry: RegisterEntry) -> [(String, Value)] {
    func number(_ value: Double?) -> Value { value.map { .number($0) } ?? .null }
    return [
      ("id", entry.id.map { .integer(Int($0)) } ?? .null), ("time", .text(Timestamp.format(entry.time))),
      ("entrance", .text(entry.entrance)), ("device", entry.device.map { .text($0) } ?? .null),
      ("class", .text(entry.screeningClass)), ("reason", .text(entry.reason)),
      ("raw_object_c", number(entry.rawObjectC)), ("skin_c", number(entry.skinC)),
      ("ambient_c", number(entry.ambientC)), ("body_c", number(entry.bodyC)),
      ("threshold_c", number(entry.thresholdC)), ("threshold_source", .text(entry.thresholdSource)),
      ("baseline_c", number(entry.baselineC)), ("guard_band_c", number(entry.guardBandC)),
      ("calibration_id", .text(entry.calibrationID)), ("body_model_version", .text(entry.bodyModelVersion)),
      ("recheck_id", entry.recheckID.map { .integer($0) } ?? .null),
      ("recheck_role", entry.recheckRole.map { .text($0) } ?? .null),
      ("person", entry.person.map { .text($0) } ?? .null), ("sample_count", .integer(entry.sampleCount)),
    ]
  }

  enum Value {
    case text(String), number(Double), integer(Int), null
  }

  /// One CSV field, quoted when it holds a separator, a quote or a line break (RFC 4180).
  public static func csvField(_ text: String) -> String {
    text.contains { ",\"\n\r".contains($0) } ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
  }

  public static func csvRow(_ entry: RegisterEntry) -> String {
    values(entry).map { _, value in
      switch value {
      case .text(let text): csvField(text)
      case .number(let number): JSONLine.number(number, decimals: 2)
      case .integer(let integer): String(integer)
      case .null: ""
      }
    }.joined(separator: ",")
  }

  public static func jsonLine(_ entry: RegisterEntry) -> String {
    var line = JSONLine()
    for (key, value) in values(entry) {
      switch value {
      case .text(let text): line.add(key, text)
      case .number(let number): line.add(key, number)
      case .integer(let integer): line.add(key, integer)
      case .null: line.add(key, nil as String?)
      }
    }
    return line.string
  }
}
