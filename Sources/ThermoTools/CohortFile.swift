import Foundation
import ThermoCore

/// Reads a paired forehead-IR/oral cohort in the PhysioNet layout of `shared/data/cohort/`:
/// three header rows (round labels, region labels, column names), then one subject per row,
/// with measurement columns repeated for rounds 1–4.
public struct CohortFile: Sendable {
  /// Which face region stands in for the thermometer's reading.
  public enum Site: String, Sendable, CaseIterable {
    case foreheadMax = "forehead-max"
    case foreheadCenter = "forehead-center"
    case canthus

    /// Column name without its round suffix.
    var columnStem: String {
      switch self {
      case .foreheadMax: "T_FH_Max"
      case .foreheadCenter: "T_FHCC"
      case .canthus: "canthiMax"
      }
    }
  }

  public static let rounds = 1...4
  public var observations: [PairedObservation]
  /// The same readings by person, in round order: what a re-check rule needs.
  public var people: [CohortPerson]
  /// Rows left out (missing or non-numeric values), with the reason.
  public var skipped: [InputError]

  /// Observations gathered elsewhere (the site's own register), nothing skipped; they come
  /// unpaired with rounds, so there are no people to run a re-check rule on.
  public init(observations: [PairedObservation]) {
    self.observations = observations
    people = []
    skipped = []
  }

  public init(path: String, site: Site) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw InputError(source: path, line: 0, field: nil, message: "cannot read the file")
    }
    try self.init(text: String(decoding: data, as: UTF8.self), source: path, site: site)
  }

  public init(text: String, source: String, site: Site) throws {
    var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    if lines.last?.isEmpty == true { lines.removeLast() }
    guard lines.count > 3 else {
      throw InputError(
        source: source, line: lines.count, field: nil,
        message: "expected three header rows and at least one subject row")
    }
    let names = CSVLine.split(String(lines[2])).map {
      $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
    }
    func column(_ name: String) throws -> Int {
      guard let index = names.firstIndex(of: name) else {
        throw InputError(source: source, line: 3, field: name, message: "column not found in the header row")
      }
      return index
    }
    let subjectColumn = try column("SubjectID")
    let oralColumn = try column("aveOralM")
    let ambientColumn = try column("T_atm")
    let siteColumns = try Self.rounds.map { try column("\(site.columnStem)\($0)") }

    observations = []
    people = []
    skipped = []
    for (offset, line) in lines.enumerated().dropFirst(3) {
      let lineNumber = offset + 1
      let cells = CSVLine.split(String(line))
      func number(_ index: Int) -> Double? {
        guard index < cells.count else { return nil }
        return Double(cells[index].trimmingCharacters(in: .whitespaces))
      }
      let subject = subjectColumn < cells.count ? cells[subjectColumn] : "line \(lineNumber)"
      guard let oral = number(oralColumn), let ambient = number(ambientColumn) else {
        skipped.append(
          InputError(
            source: source, line: lineNumber, field: "aveOralM/T_atm",
            message: "subject \(subject) has no numeric oral or room temperature"))
        continue
      }
      var person = CohortPerson(subject: subject, ambientC: ambient, oralC: oral, skinByRound: [])
      for (round, index) in zip(Self.rounds, siteColumns) {
        person.skinByRound.append(number(index))
        guard let skin = number(index) else {
          skipped.append(
            InputError(
              source: source, line: lineNumber, field: "\(site.columnStem)\(round)",
              message: "subject \(subject) has no numeric reading in round \(round)"))
          continue
        }
        observations.append(PairedObservation(subject: subject, skinC: skin, ambientC: ambient, oralC: oral))
      }
      people.append(person)
    }
  }
}

/// One subject of a cohort: the room, the oral reference and the reading of each round (nil
/// where the file has none).
public struct CohortPerson: Sendable, Equatable {
  public var subject: String
  public var ambientC: Celsius
  public var oralC: Celsius
  /// Index 0 is round 1.
  public var skinByRound: [Celsius?]

  public init(subject: String, ambientC: Celsius, oralC: Celsius, skinByRound: [Celsius?]) {
    self.subject = subject
    self.ambientC = ambientC
    self.oralC = oralC
    self.skinByRound = skinByRound
  }
}
