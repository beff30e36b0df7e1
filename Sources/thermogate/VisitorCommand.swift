import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoStore

struct VisitorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "visitor",
    abstract: "Visitor passes: a ten-digit code that opens the gates (with a normal screening) for a few hours.",
    subcommands: [Issue.self, List.self],
    defaultSubcommand: List.self
  )

  struct Issue: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Issue a pass from now for --hours; prints its code.",
      discussion: """
        Only the masked phone number is kept (138****5678). Under --config with hashed person IDs, \
        the code is kept hashed and the name not at all: the code printed here is the only time it \
        can be read.
        """)

    @OptionGroup var store: StoreOption
    @Option(help: "The visitor's name.") var name: String
    @Option(help: "The member of staff the visitor comes to see.") var host: String
    @Option(help: "How long the pass is valid, in hours (at most \(Int(VisitorPass.longestHours))).")
    var hours: Double
    @Option(help: "The visitor's mobile number (kept masked only).") var phone: String?
    @Option(help: "The guard who issues it (recorded); default: $USER.") var by: String?

    func validate() throws {
      guard hours > 0, hours <= VisitorPass.longestHours else {
        throw ValidationError("--hours must be above 0 and at most \(Int(VisitorPass.longestHours)) (one week)")
      }
    }

    func run() throws {
      let policy = try store.configuration()?.personIDs ?? .plain
      let database = try store.openCreating()
      let (code, pass) = try store.report {
        try database.issueVisitorPass(
          name: name, host: host, hours: hours, phone: phone, issuedBy: operatorName(by),
          at: Date().timeIntervalSince1970, policy: policy)
      }
      print("visitor pass \(code) for \(name), visiting \(pass.host), valid until \(localTime(pass.validUntil))")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Passes valid now (or not yet), latest first.")

    @OptionGroup var store: StoreOption
    @Flag(help: "Expired passes too (they are kept until the retention purge).") var all = false

    func run() throws {
      let now = Date().timeIntervalSince1970
      let passes = try store.withStore { try $0.visitorPasses(includeExpired: all, at: now) }
      for pass in passes {
        let state = now >= pass.validUntil ? "  EXPIRED" : ""
        print(
          [
            pass.code, pass.name ?? "-", "host \(pass.host)", pass.phoneMasked ?? "-",
            "from \(localTime(pass.issuedAt)) until \(localTime(pass.validUntil))\(state)",
            "by \(pass.issuedBy ?? "-")",
          ].joined(separator: "  "))
      }
    }
  }
}
