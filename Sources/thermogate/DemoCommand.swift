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

  static let entrances: [(name: String, kind: String)] = [
    ("north", "mcp2221"), ("south", "mcp2221"), ("east", "mcp2221"), ("west", "cp2112"), ("garage", "optris"),
    ("lobby", "pyrousb"),
  ]

  func run() async throws {
    DaemonLogging.bootstrap(level: logLevel)
    var standardError = StandardError()
    let clock = GatewayClock(speed: speed)
    let devices = SimulatedGatewayDevices(clock: clock)
    let desk = devices.desk
    var settings = EntranceScene.Settings()
    settings.arrivalsPerMinute = arrivals
    settings.febrileShare = febrile

    var configuration = GatewayConfiguration(file: "<demo>")
    configuration.site = "demo"
    configuration.stateDirectory = stateDirectory
    configuration.databasePath = stateDirectory + "/thermogate.sqlite"
    configuration.screening.defaults.warmUp = warmUp
    configuration.http.token = ProcessInfo.processInfo.environment["THERMOGATE_API_TOKEN"].map(Secret.init)
    var hosts: [any SerialHost] = []
    for (index, entrance) in Self.entrances.enumerated() {
      let entranceSeed = seed &* 1000 &+ UInt64(index + 1)
      let scene = EntranceScene(seed: entranceSeed, settings: settings)
      let name = entrance.name
      let onArrival: @Sendable (EntranceScene.Visitor, Double) -> Void = { visitor, time in
        desk.present(visitor.workID, at: name, time: time)
      }
      let address: String
      switch entrance.kind {
      case "optris":
        var model = SceneDrivenDevice(
          device: OptrisModel(targetC: 20, headC: 20), scene: scene, clock: clock.monotonicNow)
        model.onArrival = onArrival
        let host = try PtyDeviceHost(model: model)
        hosts.append(host)
        address = "optris:\(host.path)"
      case "pyrousb":
        var model = SceneDrivenDevice(
          device: PyroUSBModel(objectC: 20, sensorC: 20), scene: scene, clock: clock.monotonicNow)
        model.onArrival = onArrival
        let host = try PtyDeviceHost(model: model, replyDelay: .milliseconds(20))
        hosts.append(host)
        address = "pyrousb:\(host.path)"
      default:
        address =
          "sim:\(entrance.kind)?seed=\(entranceSeed)&arrivals=\(arrivals)&febrile=\(febrile)"
          + "&cold=\(settings.coldArrivalShare)"
      }
      // The simulated heads read true: no "never calibrated" notices in the demo.
      configuration.screening.devices[address] = ScreeningSettings.DeviceSettings(
        calibration: DeviceCalibration(id: "simulator"))
      configuration.entrances.append(
        GatewayConfiguration.Entrance(
          name: name, thermometer: try DeviceAddress(parsing: address), badge: .simulated,
          gate: try DeviceAddress(parsing: "sim:relay?channel=\(index + 1)")))
    }
    defer { for host in hosts { host.stop() } }

    var options = GatewayDaemon.Options()
    options.clock = clock
    options.devices = devices.devices(for:)
    options.httpOverride = try HTTPAddress.parse(http)
    let board = StatusBoard()
    let interactive = isatty(STDOUT_FILENO) == 1
    let duration = duration
    let httpHost = options.httpOverride?.host ?? "127.0.0.1"
    options.onStarted = { status, store, port in
      let api = port.map { " — dashboard and API on http://\(httpHost):\($0)/" } ?? ""
      FileHandle.standardOutput.write(
        Data("demo: six simulated entrances at \(clock.speed)× speed\(api); Ctrl-C stops\n".utf8))
      await board.start(status: status, store: store, interactive: interactive)
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
    await board.stop()
    await board.summary(since: clock)
  }
}

protocol SerialHost {
  func stop()
}

extension PtyDeviceHost: SerialHost {}

/// The demo's live view: one line per entrance, redrawn in place on a terminal, every ten
/// seconds otherwise; and the summary at the end.
actor StatusBoard {
  private var status: GatewayStatus?
  private var store: AlertStore?
  private var task: Task<Void, Never>?
  private var startedAt = Date().timeIntervalSince1970

  func start(status: GatewayStatus, store: AlertStore, interactive: Bool) {
    self.status = status
    self.store = store
    task?.cancel()
    task = Task {
      var drawn = 0
      while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(interactive ? 1 : 10))
        let lines = status.snapshot().map(Self.line)
        var text = interactive && drawn > 0 ? "\u{1B}[\(drawn)A" : ""
        for line in lines { text += (interactive ? "\u{1B}[2K" + line : line) + "\n" }
        if !interactive { text += "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
        drawn = lines.count
      }
    }
  }

  func stop() {
    task?.cancel()
  }

  static func line(_ entrance: EntranceStatus) -> String {
    let name = entrance.entrance.padding(toLength: 7, withPad: " ", startingAt: 0)
    let state = entrance.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
    let counts = ScreeningClass.allCases.compactMap { cls in
      entrance.counts[cls.rawValue].map { "\(cls.rawValue) \($0)" }
    }.joined(separator: ", ")
    let last =
      entrance.lastScreening.map { screening in
        let body = screening.bodyC.map { String(format: " %.1f °C", $0) } ?? ""
        return "last: \(screening.screeningClass)\(body) \(screening.person ?? "")"
      } ?? "last: -"
    let gate = entrance.gateHeld ? "  GATE HELD" : ""
    return "\(name) \(state) \(last.padding(toLength: 34, withPad: " ", startingAt: 0)) \(counts)\(gate)"
  }

  func summary(since clock: GatewayClock) {
    guard let status else { return }
    print("\nsummary:")
    var totals: [String: Int] = [:]
    for entrance in status.snapshot() {
      let counts = entrance.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
      print("  \(entrance.entrance): \(entrance.samples) samples; \(counts.isEmpty ? "no screenings" : counts)")
      for (key, value) in entrance.counts { totals[key, default: 0] += value }
    }
    let screenings = totals.values.reduce(0, +)
    let alerts = (try? store?.alerts(limit: 10_000)) ?? []
    let recent = alerts.filter { $0.raisedAt >= startedAt - 1 }
    let byKind = Dictionary(grouping: recent, by: \.kind.rawValue).map { "\($0.key) \($0.value.count)" }.sorted()
    print(
      "  \(screenings) screening(s) registered; \(recent.count) alert(s) raised (\(byKind.joined(separator: ", ")))")
    if let store { print("  register and alerts in \(store.path)") }
  }
}
