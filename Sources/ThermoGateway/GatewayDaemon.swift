import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import ThermoConfiguration
import ThermoCore
import ThermoDaemon
import ThermoDevices
import ThermoDispatch
import ThermoHTTP
import ThermoStore
import UnixSignals

/// The composition root of `thermogate run` and `thermogate demo`: one service group per configuration — the
/// dispatcher, the HTTP server and one service per entrance. SIGTERM and SIGINT shut it down
/// gracefully (entrances first, the dispatcher drained last); SIGHUP reloads the configuration:
/// a valid new file replaces the running group (re-checks and baselines of entrances whose
/// screening settings did not change carry over), an invalid one is refused and the running one
/// kept.
public struct GatewayDaemon: Sendable {
  public struct Options: Sendable {
    public var clock = GatewayClock()
    /// Overrides the configuration's HTTP listener (`--http HOST:PORT`).
    public var httpOverride: (host: String, port: Int)?
    public var drainTimeout: Duration = .seconds(5)
    /// Reads the configuration again on SIGHUP; nil means SIGHUP is ignored.
    public var reload: (@Sendable () throws(ConfigProblems) -> GatewayConfiguration)?
    /// Called once each configuration is running: its status board, its store and the HTTP
    /// port (nil without a listener).
    public var onStarted: @Sendable (GatewayStatus, AlertStore, Int?) async -> Void = { _, _, _ in }
    /// The devices each configuration runs on: the gate box's hardware unless a caller (the
    /// demo, a test) injects a simulation of it.
    public var devices: @Sendable (GatewayConfiguration) -> GatewayDevices = {
      let usb = SharedUSBContext()
      return { configuration in .hardware(usb: configuration.needsUSB ? usb.get() : nil) }
    }()

    public init() {}
  }

  public let options: Options
  private let logger = Logger(label: "thermogate.daemon")

  public init(options: Options) {
    self.options = options
  }

  public func run(_ initial: GatewayConfiguration) async throws {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    let control = DaemonControl()
    let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
    let reload = options.reload
    let logger = logger
    let signalTask = Task {
      for await signal in signals {
        if signal == .sighup {
          guard let reload else {
            logger.notice("SIGHUP: nothing to reload")
            continue
          }
          do {
            let next = try reload()
            logger.notice("SIGHUP: configuration valid; restarting the services with it")
            await control.reload(with: next)
          } catch {
            logger.error("SIGHUP: the new configuration is refused, the running one stays:\n\(error)")
          }
        } else {
          logger.notice("\(signal): shutting down (entrances first, then the dispatcher drains)")
          await control.stop()
        }
      }
    }
    defer { signalTask.cancel() }

    var configuration = initial
    var lastGood: GatewayConfiguration?
    let carried = PipelineCarryOver()
    // One set of relays for the daemon's life: a reload must not leave a second owner of a board
    // (or its hold timers) behind.
    let gate = GateRelays(gates: [:], relays: USBRelayOpener(usb: nil), status: nil, clock: options.clock)
    var firstStart = true
    while true {
      do {
        let group = try await makeGroup(
          configuration, registry: registry, carried: carried, gate: gate, firstStart: firstStart)
        firstStart = false
        await control.started(group)
        try await group.run()
        lastGood = configuration
      } catch {
        // A reloaded file that passed its checks but cannot run (its port is taken, its database
        // directory cannot be made): back to the configuration that ran.
        guard let previous = lastGood, !(await control.isStopping) else {
          await gate.releaseAll()
          throw error
        }
        logger.error("the new configuration cannot run (\(error)); going back to the previous one")
        configuration = previous
        lastGood = nil  // if that fails too, give up rather than loop
        continue
      }
      guard let next = await control.takePendingConfiguration() else { break }
      configuration = next
    }
    await gate.releaseAll()
    logger.notice("stopped")
  }

  private func makeGroup(
    _ configuration: GatewayConfiguration, registry: PrometheusCollectorRegistry,
    carried: PipelineCarryOver, gate: GateRelays, firstStart: Bool
  ) async throws -> ServiceGroup {
    let clock = options.clock
    try FileManager.default.createDirectory(
      atPath: (configuration.databasePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    let store = try AlertStore(path: configuration.databasePath)
    let status = GatewayStatus(entrances: configuration.entrances.map(\.name))
    do {
      let now = clock.wallNow()
      try await store.reading { store throws(StoreError) in try status.restore(from: store, now: now) }
    } catch {
      logger.error("cannot read the register for today's counts and the charts (\(error)); they start empty")
    }
    let calibrations: [String: CalibrationRecord]
    do {
      calibrations = try await store.reading { store throws(StoreError) in try store.currentCalibrations() }
    } catch {
      logger.error("cannot read the calibration log (\(error)); thermometers run on the file's corrections")
      calibrations = [:]
    }
    let devices = options.devices(configuration)
    await gate.configure(
      gates: Dictionary(
        configuration.entrances.compactMap { entrance in entrance.gate.map { (entrance.name, $0) } },
        uniquingKeysWith: { first, _ in first }),
      relays: devices.relays, status: status, maximumHold: configuration.maximumGateHold,
      releaseEntrances: Set(configuration.entrances.filter { $0.access.mode == .access }.map(\.name)),
      releasePulse: configuration.releasePulse)
    let sinks = makeSinks(configuration, gate: gate, clock: clock)
    let dispatcher = Dispatcher(
      store: store,
      settings: Dispatcher.Settings(
        routing: Routing(routes: configuration.routes, localSinks: configuration.localSinks),
        retry: configuration.retry, repeatKinds: configuration.repeatKinds,
        repeatInterval: configuration.repeatInterval, retention: configuration.retentionDays * 86_400,
        onCall: configuration.onCall),
      sinks: sinks.map { MeteredSink(sink: $0) }, now: clock.wallNow)
    let outlet = GatewayOutlet(
      store: store, dispatcher: dispatcher, personIDs: configuration.personIDs, gate: gate,
      statusPublishers: sinks.compactMap { $0 as? MQTTSink })
    let recovery = StartupRecovery(store: store, configuration: configuration, clock: clock)
    // Before anyone is screened, at start and on every reload: the lanes a guard released stay
    // open (when the store cannot be read, the relays keep what they had).
    if let emergency = await recovery.emergencyReleases() {
      await gate.setEmergency(emergency.active, version: emergency.version)
    }
    if firstStart {
      // Before anyone is screened: the turnstiles as the record says, the missing alerts raised.
      await gate.restore(await recovery.holds())
      await recovery.raiseMissingAlerts(through: outlet)
    }
    var services: [any Service] = [
      DispatcherService(
        dispatcher: dispatcher, sinkNames: sinks.map(\.name), drainTimeout: options.drainTimeout, clock: clock)
    ]

    let onStarted = options.onStarted
    let http = configuration.http
    let host = options.httpOverride?.host ?? http.host
    let port = options.httpOverride?.port ?? http.port
    if http.enabled {
      let api = GatewayHTTP(
        site: configuration.site, status: status, store: store, dispatcher: dispatcher, gate: gate, token: http.token,
        personIDs: configuration.personIDs, metrics: registry, clock: clock, secondary: configuration.secondary)
      let logger = logger
      services.append(
        api.application(host: host, port: port) { boundPort in
          logger.notice("dashboard and API listening on http://\(host):\(boundPort)/")
          await onStarted(status, store, boundPort)
        })
    }

    let settings = DeviceReader.Settings(sampleInterval: 1 / configuration.sampleRateHz)
    let readers = DeviceReaders()
    if configuration.entrances.contains(where: { $0.thermometer.driver != .sim }) {
      services.append(HotplugService(readers: readers))
    }
    // Read once, when the first entrance without a carried pipeline needs it.
    var recorded: RecordedRechecks?
    for entrance in configuration.entrances {
      let pipelineConfiguration = configuration.pipelineConfiguration(for: entrance)
      let previous = carried.take(entrance.name)
      let carriedPipeline = previous.flatMap { $0.0 == pipelineConfiguration ? $0.2 : nil }
      var pipeline = carriedPipeline ?? EntrancePipeline(configuration: pipelineConfiguration)
      if carriedPipeline == nil {
        if recorded == nil { recorded = await recovery.recordedRechecks() }
        if let restored = recorded?.restore(into: &pipeline, entrance: entrance.name), restored > 0 {
          logger.notice("\(entrance.name): \(restored) re-check(s) still open from before the restart")
        }
      }
      let startingPipeline = pipeline
      // The same thermometer, kept powered through the reload: its warm-up does not start over.
      let keepsWarmUp = carriedPipeline != nil && previous?.1 == entrance.thermometer
      let personIDs = configuration.personIDs
      let thermometer = entrance.thermometer.description
      let calibrationKey = entrance.thermometer.calibrationKey
      let calibration = calibrations[calibrationKey]
      services.append(
        EntranceService(
          binding: entrance, devices: devices, settings: settings, clock: clock, readers: readers,
          makeMonitor: {
            EntranceMonitor(
              entrance: entrance.name, thermometer: thermometer, pipeline: startingPipeline, outlet: outlet,
              status: status,
              personIDs: personIDs, calibration: calibration, calibrationKey: calibrationKey,
              keepsWarmUp: keepsWarmUp,
              requiresCalibration: entrance.thermometer.driver != .sim
                && pipelineConfiguration.calibration == .identity,
              access: entrance.access, clock: clock)
          },
          onFinish: { pipeline in
            carried.keep(
              entrance.name, configuration: pipelineConfiguration, thermometer: entrance.thermometer,
              pipeline: pipeline)
          }))
    }
    if !http.enabled {
      services.append(StartedNotice { await onStarted(status, store, nil) })
    }
    logger.notice(
      "site \(configuration.site): \(configuration.entrances.count) entrance(s), database \(configuration.databasePath)"
    )
    var groupConfiguration = ServiceGroupConfiguration(
      services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }, logger: logger)
    // A stop or reload never waits on a client: a dashboard that stopped reading, a wedged
    // driver call. Past this the remaining services are cancelled (the store keeps what was due).
    groupConfiguration.maximumGracefulShutdownDuration = .seconds(15)
    return ServiceGroup(configuration: groupConfiguration)
  }

  private func makeSinks(_ configuration: GatewayConfiguration, gate: GateRelays, clock: GatewayClock)
    -> [any AlertSink]
  {
    configuration.sinks.compactMap { sink -> (any AlertSink)? in
      switch sink.kind {
      case .log: return LogSink(name: sink.name)
      case .gate: return GateSink(name: sink.name, gate: gate, now: clock.wallNow)
      case .webhook(let url, let secret, let timeout):
        return WebhookSink(
          name: sink.name, url: url, secret: secret.bytes, timeout: .milliseconds(Int(timeout * 1000)))
      case .mqtt(let host, let port, let username, let password, let caFile):
        let topic = MQTTSink.gatewayTopic(site: configuration.site)
        let settings = MQTTClient.Settings(
          host: host, port: port, clientID: "thermogate-\(configuration.site)-\(sink.name)", cleanSession: false,
          username: username, password: password?.value, caFile: caFile, will: (topic, "offline"),
          birth: (topic, "online"))
        do {
          return MQTTSink(name: sink.name, site: configuration.site, client: try MQTTClient(settings: settings))
        } catch {
          logger.error("sink \(sink.name): cannot start the MQTT client: \(error); its deliveries wait")
          return nil
        }
      case .email(let email):
        let settings = SMTPSettings(
          host: email.host, port: email.port, startTLS: email.startTLS, username: email.username,
          password: email.password?.value, caFile: email.caFile,
          timeout: .milliseconds(Int(email.timeoutSeconds * 1000)),
          heloName: ProcessInfo.processInfo.hostName)
        return EmailSink(name: sink.name, settings: settings, from: email.from, to: email.to, now: clock.wallNow)
      case .dingtalk(let url, let secret, let atMobiles, let timeout):
        return robotSink(sink.name, url, timeout, clock) {
          DingTalkRobot(address: $0, secret: secret.value, atMobiles: atMobiles)
        }
      case .wecom(let url, let atMobiles, let timeout):
        return robotSink(sink.name, url, timeout, clock) { WeComRobot(address: $0, atMobiles: atMobiles) }
      case .feishu(let url, let secret, let timeout):
        return robotSink(sink.name, url, timeout, clock) { FeishuRobot(address: $0, secret: secret.value) }
      }
    }
  }

  /// The loader checked the address; one that no longer parses is logged by host-free text.
  private func robotSink<Robot: ChatRobot>(
    _ name: String, _ url: Secret, _ timeout: Double, _ clock: GatewayClock, _ robot: (RobotAddress) -> Robot
  ) -> (any AlertSink)? {
    do {
      return RobotSink(
        name: name, robot: robot(try RobotAddress(parsing: url.value)), timeout: .milliseconds(Int(timeout * 1000)),
        now: clock.wallNow)
    } catch {
      logger.error("sink \(name): the robot address \(error); its deliveries wait")
      return nil
    }
  }
}
