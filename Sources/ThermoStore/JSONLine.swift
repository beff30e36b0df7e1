import ThermoCore

/// Builds one JSON object per line with the keys in the order they are added, so that output is
/// stable and reads well in a terminal.
public struct JSONLine: Sendable {
  private var text = "{"
  private var empty = true

  public init() {}

  public mutating func add(_ key: String, _ value: String?) {
    append(key, value.map(Self.quoted) ?? "null")
  }

  public mutating func add(_ key: String, _ value: Int) {
    append(key, String(value))
  }

  /// Numbers rounded to `decimals` places (0.01 °C keeps the 0.1 °C record resolution honest).
  public mutating func add(_ key: String, _ value: Double?, decimals: Int = 2) {
    guard let value, value.isFinite else {
      append(key, "null")
      return
    }
    append(key, Self.number(value, decimals: decimals))
  }

  public mutating func add(_ key: String, _ value: Bool) {
    append(key, value ? "true" : "false")
  }

  public mutating func addRaw(_ key: String, _ json: String) {
    append(key, json)
  }

  public var string: String { text + "}" }

  private mutating func append(_ key: String, _ json: String) {
    if !empty { text += "," }
    empty = false
    text += Self.quoted(key) + ":" + json
  }

  public static func number(_ value: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
    return "\(rounded)"
  }

  public static func quoted(_ string: String) -> String {
    var result = "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  /// A flat object of string fields, keys sorted (alert details).
  public static func object(_ fields: [String: String]) -> String {
    var line = JSONLine()
    for key in fields.keys.sorted() { line.add(key, fields[key]) }
    return line.string
  }
}
