import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoGateway

struct ConfigCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config",
    abstract: "Check a gateway configuration.",
    subcommands: [Check.self])

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate a configuration file and report every problem as file:line:column: message.",
      discussion: """
        Checks keys, types and ranges, device addresses (and devices bound twice), sinks named by \
        routes, and that every secret it names (webhook secrets, MQTT passwords, the API token, the \
        person-ID key) can be read from its environment variable or file. Secrets are never printed. \
        Exits 1 when there is a problem.
        """)

    @Argument(help: "The configuration file (YAML).")
    var file: String

    func run() throws {
      var standardError = StandardError()
      let configuration: GatewayConfiguration
      do {
        configuration = try GatewayConfiguration.load(path: file)
      } catch {
        for problem in error.problems { print(problem.description, to: &standardError) }
        print("\(error.problems.count) problem(s) in \(file)", to: &standardError)
        throw ExitCode(1)
      }
      print("\(file): valid")
      print("  site \(configuration.site), state in \(configuration.stateDirectory)")
      print("  database \(configuration.databasePath)")
      for entrance in configuration.entrances {
        var parts = [
          entrance.access.mode == .access
            ? String(format: "access mode (ID and reading paired within %.0f s)", entrance.access.pairingWindow)
            : "screen mode (free flow)",
          "thermometer \(entrance.thermometer)",
        ]
        if let reference = entrance.ambientReference { parts.append("ambient reference \(reference)") }
        if let badge = entrance.badge { parts.append("badge \(badge)") }
        if let gate = entrance.gate { parts.append("gate \(gate)") }
        let screening = configuration.pipelineConfiguration(for: entrance)
        let threshold: String
        switch screening.threshold.mode {
        case .fixed: threshold = String(format: "fixed %.1f °C", screening.threshold.fixedThresholdC)
        case .adaptive(let offset, _): threshold = String(format: "adaptive, baseline + %.1f °C", offset)
        }
        parts.append(threshold)
        print("  entrance \(entrance.name): " + parts.joined(separator: ", "))
      }
      for sink in configuration.sinks { print("  sink \(sink.name)") }
      print("  \(configuration.routes.count) route(s); screenings kept \(Int(configuration.retentionDays)) days")
      if let onCall = configuration.onCall {
        print(
          "  on call: a roster of \(onCall.roster.entries.count) in \(onCall.timeZone.identifier), duty office "
            + "\(onCall.dutyOffice.joined(separator: ", ")), each stage \(String(format: "%g", onCall.acknowledgementDeadline)) s"
        )
        if let gaps = onCall.gapWarning { print("  warning: \(gaps)") }
      }
      let http = configuration.http
      print(
        http.enabled
          ? "  HTTP on \(http.host):\(http.port)" + (http.token == nil ? " (no API token: state changes refused)" : "")
          : "  HTTP off")
    }
  }
}
