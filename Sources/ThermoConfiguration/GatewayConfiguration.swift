import Foundation
import ThermoCore
import ThermoDevices
import ThermoDispatch
import ThermoStore

/// Everything one gate box runs: its entrances and the devices bound to them, the screening
/// settings, where alerts go, how long records are kept and the HTTP listener. Loaded from YAML
/// by `GatewayConfiguration.load`, every problem reported at once as `file:line:column`.
public struct GatewayConfiguration: Sendable {
  public static let topLevelKeys = [
    "site", "state_directory", "database", "sample_rate_hz", "screening", "entrances", "devices", "sinks", "routes",
    "alerts", "retention", "person_ids", "http", "gate_hold_s", "access", "secondary", "time_zone", "on_call",
    "on_call_file", "duty_office", "on_call_ack_deadline_s",
  ]
  public static let entranceBindingKeys = [
    "thermometer", "ambient_reference", "badge", "gate", "mode", "pairing_window_s",
  ]
  public static let accessKeys = ["mode", "pairing_window_s", "release_pulse_ms"]

  /// One entrance and the devices that serve it.
  public struct Entrance: Sendable, Equatable {
    public var name: String
    public var thermometer: DeviceAddress
    /// A second sensor whose own (die) temperature stands for the room's, for a thermometer
    /// whose head warms up in its housing.
    public var ambientReference: DeviceAddress?
    public var badge: BadgeSource?
    /// The turnstile relay: `relay:serial=ID?channel=N`, or `sim:relay?channel=N`. In `access`
    /// mode the channel is the turnstile's release input (one pulse, one passage); in `screen`
    /// mode it holds the free-flow turnstile shut while on.
    public var gate: DeviceAddress?
    /// How the entrance decides who passes, and how credentials pair with readings.
    public var access = AccessSettings(mode: .screen)

    public init(
      name: String, thermometer: DeviceAddress, ambientReference: DeviceAddress? = nil, badge: BadgeSource? = nil,
      gate: DeviceAddress? = nil
    ) {
      self.name = name
      self.thermometer = thermometer
      self.ambientReference = ambientReference
      self.badge = badge
      self.gate = gate
    }
  }

  public enum BadgeSource: Sendable, Equatable, CustomStringConvertible {
    /// A keyboard-style reader's input node (`/dev/input/by-id/…-event-kbd`).
    case evdev(path: String)
    /// The simulated people's own cards, typed as the reader would (demo and tests).
    case simulated

    public var description: String {
      switch self {
      case .evdev(let path): path
      case .simulated: "sim"
      }
    }
  }

  public enum SinkKind: Sendable, Equatable {
    /// swift-log: the journal or the terminal.
    case log
    /// The entrance's turnstile relay.
    case gate
    case webhook(url: String, secret: Secret, timeoutSeconds: Double)
    case mqtt(host: String, port: Int, username: String?, password: Secret?, caFile: String?)
    case email(Email)
    /// The robot's webhook address is a credential, like its signing secret.
    case dingtalk(url: Secret, secret: Secret, atMobiles: [String], timeoutSeconds: Double)
    case wecom(url: Secret, atMobiles: [String], timeoutSeconds: Double)
    case feishu(url: Secret, secret: Secret, timeoutSeconds: Double)
  }

  /// SMTP submission of alert e-mail.
  public struct Email: Sendable, Equatable {
    public var host: String
    public var port = 587
    public var startTLS = true
    public var username: String?
    public var password: Secret?
    public var from: String
    public var to: [String]
    public var caFile: String?
    public var timeoutSeconds = 30.0
  }

  public struct Sink: Sendable, Equatable {
    public var name: String
    public var kind: SinkKind

    public init(name: String, kind: SinkKind) {
      self.name = name
      self.kind = kind
    }
  }

  public struct HTTP: Sendable, Equatable {
    public var enabled = true
    public var host = "127.0.0.1"
    public var port = 8080
    /// Bearer token for the endpoints that change state; without one they refuse.
    public var token: Secret?
  }

  public var file: String
  public var site = "site"
  public var stateDirectory = "/var/lib/thermogate"
  public var databasePath: String
  public var sampleRateHz = 10.0
  public var screening = ScreeningSettings()
  public var entrances: [Entrance] = []
  public var sinks: [Sink]
  public var routes: [Route]
  public var retry = RetryPolicy()
  public var repeatKinds: Set<AlertKind> = [.fever]
  public var repeatInterval = 300.0
  /// Days screenings (and closed alerts) are kept.
  public var retentionDays = 30.0
  public var personIDs = PersonIDPolicy.plain
  /// Seconds a free-flow turnstile stays held without an acknowledgement or a cleared re-check:
  /// long enough for the guard to step up, never long enough to stop the lane for one person.
  public var maximumGateHold = 30.0
  /// How long the release input of an `access` turnstile is pulsed for one passage (the
  /// turnstile's own timer re-locks it).
  public var releasePulse = 0.3
  public var http = HTTP()
  public var secondary = SecondarySettings()
  /// The site's wall clock (`time_zone`, an IANA name; the system's by default): the on-call
  /// roster's shifts are in it.
  public var timeZone = TimeZone.current
  /// The on-call roster, the duty office and the acknowledgement deadline; nil without a roster.
  public var onCall: OnCallPlan?

  public static let defaultSinks = [Sink(name: "gate", kind: .gate), Sink(name: "log", kind: .log)]
  public static let defaultRoutes = [
    Route(kinds: [.fever, .elevated], sinks: ["gate", "log"]),
    Route(sinks: ["log"]),
  ]

  public init(file: String) {
    self.file = file
    databasePath = stateDirectory + "/thermogate.sqlite"
    sinks = Self.defaultSinks
    routes = Self.defaultRoutes
  }

  /// The pipeline configuration of one entrance, with its thermometer's calibration and warm-up.
  /// `devices[].id` names a thermometer by its address as written here or by its USB serial.
  public func pipelineConfiguration(for entrance: Entrance) -> EntranceConfiguration {
    screening.configuration(entrance: entrance.name, device: deviceSettingsKey(for: entrance.thermometer))
  }

  public func deviceSettingsKey(for address: DeviceAddress) -> String {
    if screening.devices[address.description] == nil, case .serial(let serial) = address.locator,
      screening.devices[serial] != nil
    {
      return serial
    }
    return address.description
  }

  /// Some device of some entrance is opened through libusb.
  public var needsUSB: Bool {
    entrances.contains { entrance in
      [entrance.thermometer, entrance.gate, entrance.ambientReference].contains { $0?.driver.isUSB ?? false }
    }
  }

  public var localSinks: Set<String> {
    Set(sinks.filter { $0.kind == .log || $0.kind == .gate }.map(\.name))
  }

  public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws(ConfigProblems) -> GatewayConfiguration
  {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigProblems([
        ConfigProblem(file: path, line: 1, column: 1, message: "cannot read the configuration file")
      ])
    }
    return try parse(String(decoding: data, as: UTF8.self), file: path, environment: environment)
  }

  public static func parse(_ text: String, file: String, environment: [String: String] = [:]) throws(ConfigProblems)
    -> GatewayConfiguration
  {
    guard let root = try YAMLReader.compose(text, file: file) else {
      throw ConfigProblems([ConfigProblem(file: file, line: 1, column: 1, message: "the configuration is empty")])
    }
    var loader = GatewayConfigurationLoader(reader: YAMLReader(file: file), environment: environment)
    let configuration = loader.configuration(root)
    if loader.reader.problems.isEmpty { return configuration }
    throw ConfigProblems(loader.reader.problems)
  }
}

/// A value from the environment or a file (a webhook secret, a password, the API token): it
/// prints as `<secret>` wherever it ends up, so it never reaches a log or the terminal.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
  public let value: String

  public init(_ value: String) {
    self.value = value
  }

  public var bytes: [UInt8] { Array(value.utf8) }
  public var description: String { "<secret>" }
  public var debugDescription: String { "<secret>" }
}
