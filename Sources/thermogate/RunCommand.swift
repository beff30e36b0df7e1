import ArgumentParser
import Foundation
import Logging
import ThermoConfiguration
import ThermoDaemon
import ThermoDemo
import ThermoGateway

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run the gateway daemon.",
    discussion: """
      Binds the configured devices to their entrances, screens everyone who passes, registers every \
      screening and dispatches alerts; serves health, /metrics and the JSON API over HTTP. \
      SIGTERM/SIGINT shut down gracefully (entrances first, alert deliveries drained last); SIGHUP \
      reloads the configuration file (an invalid one is refused and the running one kept). Under \
      systemd (Type=notify) it reports READY=1 and feeds the watchdog.
      """)

  @Option(name: .long, help: "The configuration file (YAML); check it with `thermogate config check`.")
  var config: String

  @Option(
    help: ArgumentHelp("Listen on HOST:PORT instead of the configuration's http address.", valueName: "HOST:PORT"))
  var http: String?

  @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
  var logLevel: Logger.Level = .info

  func run() async throws {
    DaemonLogging.bootstrap(level: logLevel)
    var standardError = StandardError()
    let configuration: GatewayConfiguration
    do {
      configuration = try GatewayConfiguration.load(path: config)
    } catch {
      for problem in error.problems { print(problem.description, to: &standardError) }
      throw ExitCode(1)
    }
    var options = GatewayDaemon.Options()
    options.httpOverride = try http.map(HTTPAddress.parse)
    // `sim:` addresses (trying a configuration out, the system tests) run on device models; every
    // other address opens the gate box's hardware.
    options.devices = SimulatedGatewayDevices(clock: options.clock).devices(for:)
    let path = config
    options.reload = { () throws(ConfigProblems) -> GatewayConfiguration in try GatewayConfiguration.load(path: path) }
    let host = options.httpOverride?.host ?? configuration.http.host
    options.onStarted = { _, _, port in
      // Unbuffered: a supervisor or test reading our output learns the port at once.
      if let port { FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8)) }
      SystemdNotifier.notify("READY=1\nSTATUS=screening \(configuration.entrances.count) entrance(s)")
    }
    let watchdog = SystemdNotifier.watchdogInterval().map { interval in
      Task {
        while !Task.isCancelled {
          SystemdNotifier.notify("WATCHDOG=1")
          try? await Task.sleep(for: interval)
        }
      }
    }
    defer { watchdog?.cancel() }
    do {
      try await GatewayDaemon(options: options).run(configuration)
    } catch {
      let listener = http ?? "\(configuration.http.host):\(configuration.http.port)"
      print("error: \(DaemonError.explain(error, http: listener))", to: &standardError)
      throw ExitCode(1)
    }
  }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

enum HTTPAddress {
  static func parse(_ text: String) throws -> (host: String, port: Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
      (0...65535).contains(port)
    else {
      throw ValidationError("--http must be HOST:PORT, e.g. 127.0.0.1:8080, got '\(text)'")
    }
    let host = String(text[..<colon])
    return (host.isEmpty ? "127.0.0.1" : host, port)
  }
}

enum DaemonLogging {
  static func bootstrap(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
      var handler = StreamLogHandler.standardError(label: label)
      handler.logLevel = level
      return handler
    }
  }
}

enum DaemonError {
  /// The daemon's start-up failures in the operator's terms.
  static func explain(_ error: any Error, http: String) -> String {
    let text = "\(error)"
    if text.contains("Address already in use") {
      return
        "cannot listen on \(http): the address is in use (another thermogate?); choose another with --http HOST:PORT"
    }
    if text.contains("Cannot assign requested address") {
      return "cannot listen on \(http): no such address on this machine"
    }
    return text
  }
}
