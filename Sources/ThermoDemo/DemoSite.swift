import Foundation
import ThermoConfiguration
import ThermoCore
import ThermoDaemon
import ThermoDevices
import ThermoDispatch
import ThermoSimulation
import ThermoStore

/// The demo's site: six entrances, each with a simulated thermometer speaking its real protocol
/// (four MCP2221A + MLX90614 bridges and a CP2112 in-process, an Optris and a PyroUSB behind
/// pseudo-terminals so the serial path runs too), simulated people with work IDs typed at
/// simulated badge readers, and a simulated relay board channel per turnstile. The entrances run
/// in `access` mode against a generated staff directory of `staffCount` work IDs: a few of them
/// expired, blocked or missing from the directory, and a few people who come as visitors with
/// a pass a guard issued.
public struct DemoSite {
  public struct Settings: Sendable {
    public var seed: UInt64 = 1
    public var arrivals = 6.0
    public var febrile = 0.05
    public var warmUp = 5.0
    public var stateDirectory = "state/demo"
    /// The API token, if the person running the demo set one.
    public var token: Secret?
    public var mode = AccessMode.access

    public init() {}
  }

  public static let entrances: [(name: String, kind: String)] = [
    ("north", "mcp2221"), ("south", "mcp2221"), ("east", "mcp2221"), ("west", "cp2112"), ("garage", "optris"),
    ("lobby", "pyrousb"),
  ]

  /// The simulated people carry work IDs E10000 to E10599.
  public static let staffCount = 600
  /// Work IDs past the directory's end: shown, never registered.
  static let unknownIDs = 580..<590
  /// People who come as visitors: they show a pass code instead of a work ID.
  static let visitorIDs = 590..<600

  public let configuration: GatewayConfiguration
  /// The serial heads' simulators behind their ptys, running until `stop()`.
  private let hosts: [any SerialHost]

  public init(_ settings: Settings, devices: SimulatedGatewayDevices) throws {
    let (seed, arrivals, febrile, warmUp, stateDirectory, token) = (
      settings.seed, settings.arrivals, settings.febrile, settings.warmUp, settings.stateDirectory, settings.token
    )
    let clock = devices.clock
    let desk = devices.desk
    var people = EntranceScene.Settings()
    people.arrivalsPerMinute = arrivals
    people.febrileShare = febrile
    people.staffCount = Self.staffCount

    var configuration = GatewayConfiguration(file: "<demo>")
    configuration.site = "demo"
    configuration.stateDirectory = stateDirectory
    configuration.databasePath = stateDirectory + "/thermogate.sqlite"
    configuration.screening.defaults.warmUp = warmUp
    configuration.http.token = token
    var hosts: [any SerialHost] = []
    for (index, entrance) in Self.entrances.enumerated() {
      let entranceSeed = seed &* 1000 &+ UInt64(index + 1)
      let scene = EntranceScene(seed: entranceSeed, settings: people)
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
          + "&cold=\(people.coldArrivalShare)&staff=\(Self.staffCount)"
      }
      // The simulated heads read true: no "never calibrated" notices in the demo.
      configuration.screening.devices[address] = ScreeningSettings.DeviceSettings(
        calibration: DeviceCalibration(id: "simulator"))
      var binding = GatewayConfiguration.Entrance(
        name: name, thermometer: try DeviceAddress(parsing: address), badge: .simulated,
        gate: try DeviceAddress(parsing: "sim:relay?channel=\(index + 1)"))
      binding.access = AccessSettings(mode: settings.mode)
      configuration.entrances.append(binding)
    }
    Self.addOnCallRoster(to: &configuration)
    try Self.registerPeople(in: configuration, at: clock.wallNow(), desk: desk)
    self.configuration = configuration
    self.hosts = hosts
  }

  /// The site's staff directory and today's visitor passes, in the demo's database.
  static func registerPeople(in configuration: GatewayConfiguration, at now: Double, desk: SimulatedBadgeDesk) throws {
    try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
    let store = try AlertStore(path: configuration.databasePath)
    var members: [StaffMember] = []
    for number in 0..<unknownIDs.lowerBound {
      var member = StaffMember(
        workID: workID(number), name: "Staff \(number)", department: ["Finance", "Planning", "Records"][number % 3],
        role: "staff")
      // A dozen contracts ended yesterday, half a dozen badges are blocked.
      if number < 12 { member.validUntil = now - 86_400 }
      if (12..<18).contains(number) { member.blocked = true }
      members.append(member)
    }
    try store.importDirectory(members, source: "demo", by: "demo", at: now)
    for number in visitorIDs {
      let pass = try store.issueVisitorPass(
        name: "Visitor \(number - visitorIDs.lowerBound + 1)", host: workID(100), hours: 8, phone: "13800138000",
        issuedBy: "demo guard", at: now, policy: configuration.personIDs)
      desk.show(pass.code, insteadOf: workID(number))
    }
  }

  /// Two doctors on call, day and night, each the other's backup, and the duty office after them:
  /// a confirmed fever calls the doctor on call now. Their channels are log sinks here, so the
  /// demo's log shows whom each fever called.
  static func addOnCallRoster(to configuration: inout GatewayConfiguration) {
    configuration.sinks += ["dr-wang", "dr-li", "duty-office"].map { GatewayConfiguration.Sink(name: $0, kind: .log) }
    configuration.routes = [
      Route(kinds: [.fever], sinks: ["gate", "log", Routing.onCallSink]),
      Route(kinds: [.elevated], sinks: ["gate", "log"]),
      Route(sinks: ["log"]),
    ]
    let everyDay = Set(Weekday.allCases)
    let roster = OnCallRoster(entries: [
      OnCallRoster.Entry(
        name: "Dr Wang", channels: ["dr-wang"], weekdays: everyDay, from: LocalTime(minutes: 8 * 60),
        to: LocalTime(minutes: 20 * 60), backup: "Dr Li"),
      OnCallRoster.Entry(
        name: "Dr Li", channels: ["dr-li"], weekdays: everyDay, from: LocalTime(minutes: 20 * 60),
        to: LocalTime(minutes: 8 * 60), backup: "Dr Wang"),
    ])
    configuration.onCall = OnCallPlan(
      roster: roster, dutyOffice: ["duty-office"], acknowledgementDeadline: 120, timeZone: configuration.timeZone)
  }

  static func workID(_ number: Int) -> String {
    String(format: "E%05d", 10_000 + number)
  }

  public func stop() {
    for host in hosts { host.stop() }
  }
}

/// A simulator behind a pty, whatever model it runs.
protocol SerialHost {
  func stop()
}

extension PtyDeviceHost: SerialHost {}
