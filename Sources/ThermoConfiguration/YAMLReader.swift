import Yams

/// Walks a composed YAML document, converting values and collecting every problem with its
/// line and column instead of stopping at the first.
struct YAMLReader {
  let file: String
  private(set) var problems: [ConfigProblem] = []

  init(file: String) {
    self.file = file
  }

  static func compose(_ text: String, file: String) throws(ConfigProblems) -> Node? {
    do {
      return try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw ConfigProblems([Self.problem(from: error, file: file)])
    } catch {
      throw ConfigProblems([ConfigProblem(file: file, line: 1, column: 1, message: "\(error)")])
    }
  }

  private static func problem(from error: YamlError, file: String) -> ConfigProblem {
    switch error {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
      return ConfigProblem(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
    default:
      return ConfigProblem(file: file, line: 1, column: 1, message: "YAML: \(error)")
    }
  }

  mutating func report(_ node: Node?, _ message: String) {
    let mark = node?.mark
    problems.append(
      ConfigProblem(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
  }

  /// The mapping's entries by key; unknown keys and duplicate keys are reported.
  mutating func mapping(_ node: Node, _ path: String, allowed: [String]) -> [String: Node]? {
    guard case .mapping(let mapping) = node else {
      report(node, "\(path) must be a mapping of keys to values")
      return nil
    }
    var entries: [String: Node] = [:]
    for (key, value) in mapping {
      guard let name = key.scalar?.string else {
        report(key, "\(path): keys must be plain names")
        continue
      }
      if !allowed.contains(name) {
        report(key, "unknown key '\(name)' in \(path) (expected one of: \(allowed.joined(separator: ", ")))")
        continue
      }
      if entries[name] != nil {
        report(key, "duplicate key '\(name)' in \(path)")
        continue
      }
      entries[name] = value
    }
    return entries
  }

  mutating func sequence(_ node: Node, _ path: String) -> [Node]? {
    guard case .sequence(let sequence) = node else {
      report(node, "\(path) must be a list")
      return nil
    }
    return Array(sequence)
  }

  mutating func string(_ node: Node, _ path: String) -> String? {
    guard let scalar = node.scalar, !scalar.string.isEmpty else {
      report(node, "\(path) must be a non-empty string")
      return nil
    }
    return scalar.string
  }

  mutating func double(_ node: Node, _ path: String, in range: ClosedRange<Double>? = nil) -> Double? {
    guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
      report(node, "\(path) must be a number, got '\(node.scalar?.string ?? "a \(node.kindName)")'")
      return nil
    }
    if let range, !range.contains(value) {
      report(node, "\(path) must be between \(range.lowerBound) and \(range.upperBound), got \(text)")
      return nil
    }
    return value
  }

  mutating func integer(_ node: Node, _ path: String, in range: ClosedRange<Int>) -> Int? {
    guard let text = node.scalar?.string, let value = Int(text) else {
      report(node, "\(path) must be a whole number, got '\(node.scalar?.string ?? "a \(node.kindName)")'")
      return nil
    }
    guard range.contains(value) else {
      report(node, "\(path) must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
      return nil
    }
    return value
  }
}

extension Node {
  var kindName: String {
    switch self {
    case .scalar: "scalar"
    case .mapping: "mapping"
    case .sequence: "list"
    case .alias: "alias"
    }
  }
}
