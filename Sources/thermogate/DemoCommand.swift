import ArgumentParser
import Foundation
import Logging
import ThermoConfiguration
import ThermoCore
import ThermoDaemon
import ThermoDemo
import ThermoDevices
import ThermoDispatch
import ThermoGateway
import ThermoSimulation
import ThermoStore

struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run the whole gateway on six simulated entrances (no hardware needed).",
    discussion: """
      Six entrances, each with a simulated thermometer speaking its real protocol: four MCP2221A + \
      MLX90614 bridges, one CP2112, and an Optris and a PyroUSB behind pseudo-terminals so the \
      serial path runs too. Simulated people arrive with work IDs (typed by simulated badge \
      readers), some febrile, some from the cold; turnstile relays are simulated boards driven by \
      the real relay driver. The register and alerts go to the state directory; alerts also to \
      the console. A status line per entrance while it runs; a summary at the end.
      """)

  @Option(help: "Seconds to run (wall-clock); 0 runs until interrupted.")
  var duration = 60.0

  @Option(help: "Seed of the simulated people (the same seed replays the same people).")
  var seed: UInt64 = 1

  @Option(help: "Time acceleration: 10 runs ten gateway seconds per second.")
  var speed = 1.0

  @Option(help: "People per minute per entrance (gateway time).")
  var arrivals = 6.0

  @Option(help: "Share of febrile people, 0–1.")
  var febrile = 0.05

  @Option(help: "Directory for the register and the alert store.")
  var stateDirectory = "state/demo"

  @Option(help: ArgumentHelp("Serve the API and metrics on HOST:PORT.", valueName: "HOST:PORT"))
  var http = "127.0.0.1:8080"

  @Option(help: "Warm-up of each simulated thermometer, seconds of gateway time.")
  var warmUp = 5.0

  @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
  var logLevel: Logger.Level = .notice

  func validate() throws {
    guard duration >= 0 else { throw ValidationError("--duration must not be negative") }
    guard (0.1...100).contains(speed) else { throw ValidationError("--speed must be between 0.1 and 100") }
    guard arrivals > 0, arrivals <= 600 else { throw ValidationError("--arrivals must be above 0 and at most 600") }
    guard (0...1).contains(febrile) else { throw ValidationError("--febrile must be between 0 and 1") }
    _ = try HTTPAddress.parse(http)
  }

  func run() async throws {
    DaemonLogging.bootstrap(level: logLevel)
    var standardError = StandardError()
    let clock = GatewayClock(speed: speed)
    let devices = SimulatedGatewayDevices(clock: clock)
    var site = DemoSite.Settings()
    site.seed = seed
    site.arrivals = arrivals
    site.febrile = febrile
    site.warmUp = warmUp
    site.stateDirectory = stateDirectory
    site.token = ProcessInfo.processInfo.environment["THERMOGATE_API_TOKEN"].map(Secret.init)
    let demo = try DemoSite(site, devices: devices)
    let configuration = demo.configuration
    defer { demo.stop() }

    var options = GatewayDaemon.Options()
    options.clock = clock
    options.devices = devices.devices(for:)
    options.httpOverride = try HTTPAddress.parse(http)
    let board = DemoStatusBoard()
    let nurse = DemoNurseShift()
    let interactive = isatty(STDOUT_FILENO) == 1
    let duration = duration
    let httpHost = options.httpOverride?.host ?? "127.0.0.1"
    options.onStarted = { status, store, port in
      let api = port.map { " — dashboard and API on http://\(httpHost):\($0)/" } ?? ""
      FileHandle.standardOutput.write(
        Data("demo: six simulated entrances at \(clock.speed)× speed\(api); Ctrl-C stops\n".utf8))
      await board.start(status: status, store: store, interactive: interactive)
      await nurse.start(DemoNurse(store: store, clock: clock, settings: configuration.secondary, seed: seed))
      if duration > 0 {
        Task {
          try? await Task.sleep(for: .milliseconds(Int(duration * 1000)))
          kill(getpid(), SIGTERM)
        }
      }
    }
    do {
      try await GatewayDaemon(options: options).run(configuration)
    } catch {
      print("error: \(DaemonError.explain(error, http: http))", to: &standardError)
      throw ExitCode(1)
    }
    await nurse.stop()
    await board.stop()
    await board.summary(since: clock)
  }
}

/// The demo nurse's task, stopped with the demo.
actor DemoNurseShift {
  private var task: Task<Void, Never>?

  func start(_ nurse: DemoNurse) {
    task?.cancel()
    task = Task { await nurse.run() }
  }

  func stop() {
    task?.cancel()
    task = nil
  }
}
