import ArgumentParser
import Foundation
import ThermoDispatch
import ThermoGateway

struct RegisterCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "register",
    abstract: "The screening register.",
    subcommands: [Export.self]
  )

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Export registered screenings, oldest first.",
      discussion: "Person IDs appear as stored: hashed (h:…) when the site hashes them, empty when it omits them.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case csv, jsonl
    }

    @OptionGroup var store: StoreOption
    @Option(help: "From this time (ISO 8601 or seconds), inclusive.") var since: String?
    @Option(help: "Until this time, exclusive.") var until: String?
    @Option(help: "csv or jsonl.") var format: Format = .csv

    func run() throws {
      let from = try since.map { try parseTime($0, option: "--since") } ?? -.infinity
      let to = try until.map { try parseTime($0, option: "--until") } ?? .infinity
      guard from < to else { throw ValidationError("--since must be before --until") }
      let entries = try store.withStore { try $0.screenings(since: from, until: to) }
      switch format {
      case .csv:
        print(RegisterExport.csvHeader)
        for entry in entries { print(RegisterExport.csvRow(entry)) }
      case .jsonl:
        for entry in entries { print(RegisterExport.jsonLine(entry)) }
      }
    }
  }
}
