import ArgumentParser
import Foundation
import ThermoDispatch
import ThermoGateway
import ThermoStore

struct AlertsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "alerts",
    abstract: "List alerts and their deliveries, or acknowledge one.",
    subcommands: [List.self, Acknowledge.self],
    defaultSubcommand: List.self
  )

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "Alerts, newest first, with the delivery status per sink.")

    @OptionGroup var store: StoreOption

    @Flag(help: "Only alerts nobody has acknowledged and that are not resolved.")
    var open = false

    @Flag(help: "One JSON object per alert.")
    var json = false

    @Option(help: "At most this many alerts.")
    var limit = 100

    func run() throws {
      let alerts = try store.withStore { try $0.alerts(openOnly: open, limit: limit) }
      let now = Date().timeIntervalSince1970
      for alert in alerts {
        if json {
          print(alert.json)
        } else {
          let age = Int(now - alert.raisedAt)
          let state =
            alert.acknowledgedBy.map { "acknowledged by \($0)" } ?? (alert.resolvedAt == nil ? "OPEN" : "resolved")
          print(
            "#\(alert.id)  \(Timestamp.format(alert.raisedAt)) (\(age) s ago)  \(alert.kind.rawValue)  \(alert.entrance)  \(state)"
          )
          print("    \(alert.summary)")
          for delivery in alert.deliveries {
            print(
              "    \(delivery.sink)\(delivery.sequence > 0 ? " #\(delivery.sequence)" : ""): \(delivery.status)"
                + " after \(delivery.attempts) attempt(s)" + (delivery.lastError.map { " — \($0)" } ?? ""))
          }
        }
      }
    }
  }

  struct Acknowledge: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "ack", abstract: "Acknowledge an alert: it stops repeating and escalating.")

    @OptionGroup var store: StoreOption

    @Argument(help: "The alert's number (from `thermogate alerts`).")
    var id: Int64

    @Option(help: "Who acknowledges it (recorded with the time).")
    var by: String

    func validate() throws {
      guard !by.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--by needs a name") }
    }

    func run() throws {
      var standardError = StandardError()
      try store.withStore { store in
        guard try store.acknowledge(id: id, by: by, at: Date().timeIntervalSince1970) else {
          let known = try store.alerts(limit: 10_000).first { $0.id == id }
          print(
            known == nil
              ? "error: there is no alert #\(id)"
              : "error: alert #\(id) was already acknowledged by \(known?.acknowledgedBy ?? "someone")",
            to: &standardError)
          throw ExitCode(1)
        }
        print("alert #\(id) acknowledged by \(by)")
      }
    }
  }
}
