import Foundation
import ThermoCore
import ThermoStore

/// Parses `classify` input: CSV with a header row, or JSON Lines (chosen by the first non-blank
/// line). Required fields `entrance,time,object_c,ambient_c`; optional `person,device,sensor_error`.
/// Each line parses on its own, so one bad row never hides the others.
public struct ReadingParser: Sendable {
  public enum Format: String, Sendable { case csv, jsonl }

  public static let requiredFields = ["entrance", "time", "object_c", "ambient_c"]

  public let source: String
  public private(set) var format: Format?
  private var header: [String]?
  private var headerRejected = false

  public init(source: String) {
    self.source = source
  }

  /// Parses one physical line (1-based `lineNumber`). Blank lines and the CSV header give nil.
  public mutating func parse(line text: Substring, lineNumber: Int) -> Result<ReadingRow, InputError>? {
    var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if format == nil, trimmed.hasPrefix("\u{FEFF}") { trimmed.removeFirst() }  // byte-order mark
    if trimmed.isEmpty || headerRejected { return nil }
    if format == nil { format = trimmed.hasPrefix("{") ? .jsonl : .csv }
    switch format {
    case .jsonl: return parseJSON(trimmed, lineNumber: lineNumber)
    case .csv, .none:
      let cells = CSVLine.split(trimmed)
      guard let header else {
        let names = cells.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let missing = Self.requiredFields.first(where: { !names.contains($0) }) {
          // Without a header no row can be read: one error says so, not one per row.
          headerRejected = true
          return .failure(
            error(
              lineNumber, missing,
              "the CSV header has no '\(missing)' column (header: \(names.joined(separator: ","))); "
                + "no rows were read"))
        }
        self.header = names
        return nil
      }
      guard cells.count == header.count else {
        return .failure(error(lineNumber, nil, "expected \(header.count) fields, found \(cells.count)"))
      }
      var fields: [String: String] = [:]
      for (name, value) in zip(header, cells) { fields[name] = value }
      return build(fields: fields, lineNumber: lineNumber)
    }
  }

  private func parseJSON(_ text: String, lineNumber: Int) -> Result<ReadingRow, InputError> {
    let object: [String: JSONScalar]
    do {
      object = try JSONDecoder().decode([String: JSONScalar].self, from: Data(text.utf8))
    } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
      let field = context.codingPath.first?.stringValue
      return .failure(error(lineNumber, field, "must be a string, a number or a boolean"))
    } catch {
      return .failure(self.error(lineNumber, nil, "not a JSON object of fields"))
    }
    var fields: [String: String] = [:]
    for (key, value) in object {
      switch value {
      case .string(let string): fields[key] = string
      case .number(let number):
        // Whole numbers keep their integer spelling (`"person": 42` is "42"); beyond 2^53 a JSON
        // number is no longer exact, so an ID that long must come as a string.
        if number == number.rounded() {
          guard abs(number) < 9_007_199_254_740_992 else {
            return .failure(error(lineNumber, key, "number too large to be exact; write it as a string"))
          }
          fields[key] = String(Int64(number))
        } else {
          fields[key] = "\(number)"
        }
      case .bool(let flag): fields[key] = flag ? "true" : "false"
      case .null: continue
      }
    }
    return build(fields: fields, lineNumber: lineNumber)
  }

  private func build(fields: [String: String], lineNumber: Int) -> Result<ReadingRow, InputError> {
    func text(_ name: String) -> Result<String, InputError> {
      guard let value = fields[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
        return .failure(error(lineNumber, name, "is missing"))
      }
      return .success(value)
    }
    func celsius(_ name: String) -> Result<Celsius, InputError> {
      text(name).flatMap { value in
        guard let number = Double(value), number.isFinite else {
          return .failure(error(lineNumber, name, "'\(value)' is not a temperature in °C"))
        }
        return .success(number)
      }
    }
    do throws(InputError) {
      let entrance = try text("entrance").get()
      let timeText = try text("time").get()
      guard let time = Timestamp.parse(timeText) else {
        throw error(lineNumber, "time", "'\(timeText)' is neither seconds nor an ISO 8601 date-time")
      }
      let objectC = try celsius("object_c").get()
      let ambientC = try celsius("ambient_c").get()
      var sensorError = false
      if let flag = fields["sensor_error"]?.trimmingCharacters(in: .whitespaces).lowercased(), !flag.isEmpty {
        switch flag {
        case "1", "true", "yes": sensorError = true
        case "0", "false", "no": sensorError = false
        default: throw error(lineNumber, "sensor_error", "'\(flag)' is not true/false/1/0")
        }
      }
      func optional(_ name: String) -> String? {
        fields[name].flatMap {
          let trimmed = $0.trimmingCharacters(in: .whitespaces)
          return trimmed.isEmpty ? nil : trimmed
        }
      }
      return .success(
        ReadingRow(
          line: lineNumber, entrance: entrance, time: time, objectC: objectC, ambientC: ambientC,
          person: optional("person"), device: optional("device"), sensorError: sensorError))
    } catch {
      return .failure(error)
    }
  }

  private func error(_ line: Int, _ field: String?, _ message: String) -> InputError {
    InputError(source: source, line: line, field: field, message: message)
  }
}

/// Splits one CSV record: commas, double-quoted fields, doubled quotes inside them.
enum CSVLine {
  static func split(_ line: String) -> [String] {
    var cells: [String] = []
    var current = ""
    var quoted = false
    var iterator = line.makeIterator()
    while let character = iterator.next() {
      switch character {
      case "\"" where quoted:
        if let following = iterator.next() {
          if following == "\"" {
            current.append("\"")
          } else {
            quoted = false
            if following == "," {
              cells.append(current)
              current = ""
            } else {
              current.append(following)
            }
          }
        } else {
          quoted = false
        }
      case "\"" where current.isEmpty: quoted = true
      case "," where !quoted:
        cells.append(current)
        current = ""
      default: current.append(character)
      }
    }
    cells.append(current)
    return cells
  }
}

/// A JSON value that can stand in a flat input row.
enum JSONScalar: Decodable {
  case string(String)
  case number(Double)
  case bool(Bool)
  case null

  init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let flag = try? container.decode(Bool.self) {
      self = .bool(flag)
    } else if let number = try? container.decode(Double.self) {
      self = .number(number)
    } else {
      self = .string(try container.decode(String.self))
    }
  }
}
