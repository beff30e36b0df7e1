/// A problem in a configuration file, located the way editors and compilers do.
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int
  public var message: String

  public init(file: String, line: Int, column: Int, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in one file: a technician fixes them all in one pass.
public struct ConfigProblems: Error, Sendable, Equatable, CustomStringConvertible {
  public var problems: [ConfigProblem]

  /// Keeps the problems in file order, whatever order they were found in.
  public init(_ problems: [ConfigProblem]) {
    self.problems = problems.enumerated().sorted {
      ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
    }.map(\.element)
  }

  public var description: String { problems.map(\.description).joined(separator: "\n") }
}
