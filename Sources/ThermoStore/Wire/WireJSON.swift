import Foundation

/// The one JSON configuration every wire shape (alerts, screenings, entrance status, the API's
/// own answers) is written and read with, so a field looks the same wherever it appears.
public enum WireJSON {
  /// Keys sorted, so the same message is the same bytes (webhook signatures, diffs of exports);
  /// slashes as they are, so device paths and URLs read as written.
  public static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // JSON has no NaN or infinity; the wire types round their numbers through `rounded`, which
    // makes them null, and this keeps any that slips through from failing the whole message.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return encoder
  }

  public static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return decoder
  }

  /// The value as JSON text on one line.
  public static func string(_ value: some Encodable) -> String {
    String(decoding: data(value), as: UTF8.self)
  }

  public static func data(_ value: some Encodable) -> Data {
    do {
      return try encoder().encode(value)
    } catch {
      // Unreachable for the wire types: they hold strings, integers, booleans and numbers, and
      // the encoder above takes every number. `null` keeps a line-per-message stream parseable.
      return Data("null".utf8)
    }
  }

  public static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
    try decoder().decode(type, from: Data(text.utf8))
  }

  /// `value` rounded to `decimals` places (0.01 °C keeps the 0.1 °C record resolution honest),
  /// nil when it is not a finite number.
  public static func rounded(_ value: Double?, decimals: Int) -> Double? {
    guard let value, value.isFinite else { return nil }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    return (value * scale).rounded() / scale
  }
}
