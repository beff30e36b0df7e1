import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoStore

struct SecondaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "secondary",
    abstract: "The secondary station: people sent there, clinical readings that settle them, dispositions.",
    discussion: """
      A person denied for an elevated screening is listed here at once. A clinical reading settles \
      them by its method's fever threshold (the configuration's secondary.fever_c): below it they \
      are cleared and may pass their entrance once; at or above it the fever is confirmed and the \
      running gateway calls the doctor on call. Give --config so the gateway's thresholds, pass \
      validity and person-ID rule are the ones used.
      """,
    subcommands: [List.self, Record.self, Send.self, Dispose.self],
    defaultSubcommand: List.self
  )

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Cases of the last --hours, oldest first.")

    @OptionGroup var store: StoreOption
    @Option(help: "waiting, cleared, fever, or all.") var status = "waiting"
    @Option(help: "How far back, in hours.") var hours = 24.0
    @Flag(help: "One JSON object a line (the API's shape).") var json = false

    func validate() throws {
      guard hours > 0 else { throw ValidationError("--hours must be above 0") }
      if status != "all", SecondaryCase.Status(rawValue: status) == nil {
        throw ValidationError("--status must be waiting, cleared, fever or all, got '\(status)'")
      }
    }

    func run() throws {
      let statuses: Set<SecondaryCase.Status> = SecondaryCase.Status(rawValue: status).map { [$0] } ?? []
      let since = Date().timeIntervalSince1970 - hours * 3600
      let cases = try store.withStore { try $0.secondaryCases(statuses: statuses, since: since) }
      for found in cases {
        if json {
          print(WireJSON.string(SecondaryCaseMessage(found)))
        } else {
          print(SecondaryCaseLine(found).text)
        }
      }
      if cases.isEmpty, !json {
        var standardError = StandardError()
        print("no \(status == "all" ? "" : status + " ")cases in the last \(hours) h", to: &standardError)
      }
    }
  }

  struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record a clinical reading for a waiting case; it settles the case.")

    @OptionGroup var store: StoreOption
    @Argument(help: "The case's number (secondary list).") var caseID: Int64
    @Option(help: "oral, ear, axillary or forehead_contact.") var method: String
    @Option(help: "The reading in °C.") var value: Double
    @Option(help: "Who took the reading (recorded); default: $USER.") var by: String?
    @Option(help: "The clinical thermometer used.") var device: String?

    func validate() throws {
      if ClinicalMethod(rawValue: method) == nil {
        throw ValidationError(ClinicalReadingError.unknownMethod(method).description)
      }
    }

    func run() throws {
      let settings = try requiredConfiguration(store).secondary
      let method = ClinicalMethod(rawValue: method) ?? .oral
      let database = try store.open()
      let who = try requiredOperator(by)
      let settled = try settle { () throws(SecondaryError) -> SecondaryCase in
        try database.recordClinicalReading(
          caseID: caseID, method: method, valueC: value, by: who, device: device,
          at: Date().timeIntervalSince1970, thresholds: settings.thresholds, passValidity: settings.passValidity)
      }
      let threshold = String(format: "%.1f", settings.thresholds.threshold(for: method))
      switch settled.status {
      case .cleared:
        print(
          "case \(caseID) cleared (\(method.rawValue) \(value) °C < \(threshold) °C); one pass at \(settled.entrance)"
            + " until \(settled.passUntil.map(localTime) ?? "-")")
      case .fever:
        print(
          "case \(caseID) FEVER confirmed (\(method.rawValue) \(value) °C ≥ \(threshold) °C); the running gateway "
            + "calls the doctor on call")
      case .waiting:
        print("case \(caseID) is still waiting")
      }
    }
  }

  struct Send: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Send someone to the secondary station without an elevated screening.")

    @OptionGroup var store: StoreOption
    @Option(help: "The entrance they came to.") var entrance: String
    @Option(help: "Their work ID or visitor pass code.") var person: String?
    @Option(help: "Why they are sent.") var note: String?
    @Option(help: "The guard who sends them (recorded); default: $USER.") var by: String?

    func run() throws {
      let configuration = try requiredConfiguration(store)
      if !configuration.entrances.map(\.name).contains(entrance) {
        throw ValidationError(
          "--entrance '\(entrance)' is not in \(configuration.file) (\(configuration.entrances.map(\.name).joined(separator: ", ")))"
        )
      }
      let policy = configuration.personIDs
      let database = try store.open()
      let id = try store.report {
        try database.sendToSecondary(
          entrance: entrance, person: policy.protect(person), note: note, by: try requiredOperator(by),
          at: Date().timeIntervalSince1970)
      }
      print("case \(id) opened at \(entrance)")
    }
  }

  struct Dispose: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record the doctor's disposition of a confirmed fever (acknowledges its alert).")

    @OptionGroup var store: StoreOption
    @Argument(help: "The case's number.") var caseID: Int64
    @Option(help: "cleared_after_clinical_check, sent_home, taken_to_hospital or isolated.")
    var disposition: String
    @Option(help: "The doctor's notes.") var notes: String?
    @Option(help: "The doctor (recorded); default: $USER.") var by: String?

    func validate() throws {
      if Disposition(rawValue: disposition) == nil {
        throw ValidationError(
          "--disposition must be one of: \(Disposition.allCases.map(\.rawValue).joined(separator: ", "))")
      }
    }

    func run() throws {
      let disposition = Disposition(rawValue: disposition) ?? .sentHome
      let database = try store.open()
      let who = try requiredOperator(by)
      let recorded = try settle { () throws(SecondaryError) -> SecondaryCase in
        try database.recordDisposition(
          caseID: caseID, disposition: disposition, notes: notes, by: who,
          at: Date().timeIntervalSince1970)
      }
      print("case \(caseID): \(recorded.disposition?.rawValue ?? "-") recorded by \(recorded.dispositionBy ?? "-")")
    }
  }
}

/// A refusal is one `error:` line and exit 1 (nothing was changed).
private func settle(_ body: () throws(SecondaryError) -> SecondaryCase) throws -> SecondaryCase {
  do {
    return try body()
  } catch {
    var standardError = StandardError()
    print("error: \(error.description)", to: &standardError)
    throw ExitCode(1)
  }
}

/// One case as `secondary list` prints it.
struct SecondaryCaseLine {
  let found: SecondaryCase

  init(_ found: SecondaryCase) { self.found = found }

  var text: String {
    var parts = [
      "#\(found.id)", localTime(found.openedAt), found.entrance, found.person ?? "(no ID)", found.status.rawValue,
      found.origin == .guardSent
        ? "sent by guard" : "infrared \(found.infraredBodyC.map { String(format: "%.1f °C", $0) } ?? "-")",
    ]
    if let reading = found.reading {
      parts.append("\(reading.method.rawValue) \(String(format: "%.1f", reading.valueC)) °C by \(reading.by)")
    } else if found.settledHow == .infraredRecheck {
      parts.append("by infrared re-check")
    }
    if let disposition = found.disposition { parts.append("disposition \(disposition.rawValue)") }
    if let note = found.note { parts.append(note) }
    return parts.joined(separator: "  ")
  }
}

/// The gateway's configuration, which `record` and `send` cannot do without: its thresholds
/// settle a reading, its person-ID rule keeps the ID as the badges will be matched, and its
/// entrances are the ones a case can be sent from.
private func requiredConfiguration(_ store: StoreOption) throws -> GatewayConfiguration {
  guard let configuration = try store.configuration() else {
    throw ValidationError(
      "--config is required: the gateway's configuration decides the fever thresholds, how IDs are kept and "
        + "which entrances exist")
  }
  return configuration
}

/// Who did it, for the record; a record without a name is refused.
private func requiredOperator(_ by: String?) throws -> String {
  guard let name = operatorName(by), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
    throw ValidationError("--by is required: who did it (there is no $USER to take it from)")
  }
  return name
}
