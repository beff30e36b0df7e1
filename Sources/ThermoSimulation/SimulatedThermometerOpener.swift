import Synchronization
import ThermoCore
import ThermoDevices

/// Opens `sim:KIND` thermometers as device models that answer the same bytes as the hardware,
/// facing a scene of simulated people; any other address goes to `hardware` (the CLI's tools and
/// the demo read both).
public struct SimulatedThermometerOpener: ThermometerOpening {
  /// Seconds on the clock the simulated people walk by.
  public let clock: @Sendable () -> Double
  private let hardware: (any ThermometerOpening)?

  public init(hardware: (any ThermometerOpening)? = nil, clock: @escaping @Sendable () -> Double) {
    self.hardware = hardware
    self.clock = clock
  }

  public func openThermometer(_ address: DeviceAddress) throws(DeviceFault) -> any Thermometer {
    guard address.driver == .sim, case .model(let kind) = address.locator else {
      guard let hardware else {
        throw DeviceFault(kind: .io, message: "\(address): no hardware in this process")
      }
      return try hardware.openThermometer(address)
    }
    return try simulated(kind, scene: Self.scene(for: address), blackbody: blackbody ?? Self.blackbody(for: address))
  }

  /// The simulated people a `sim:` address shows: `seed`, `febrile` (share), `cold` (share of
  /// arrivals from outdoors), `arrivals` (per minute), `staff` (how many work IDs they carry).
  public static func scene(for address: DeviceAddress) -> EntranceScene {
    var settings = EntranceScene.Settings()
    if let share = address.numberOption("febrile") { settings.febrileShare = share }
    if let share = address.numberOption("cold") { settings.coldArrivalShare = share }
    if let rate = address.numberOption("arrivals") { settings.arrivalsPerMinute = rate }
    if let staff = address.integerOption("staff"), staff > 0 { settings.staffCount = staff }
    return EntranceScene(seed: UInt64(truncatingIfNeeded: address.integerOption("seed") ?? 1), settings: settings)
  }

  /// Observes each simulated visitor as they step up (the demo's badge readers type their IDs).
  public var onArrival: (@Sendable (EntranceScene.Visitor, Double) -> Void)?

  /// The blackbody a `sim:…?blackbody=true` thermometer faces (made on open when not given), so
  /// the calibration tool can set its set-points.
  public var blackbody: Blackbody?

  public static func blackbody(for address: DeviceAddress) -> Blackbody? {
    guard address.driver == .sim, address.options["blackbody"] == "true" else { return nil }
    return Blackbody(
      error: Blackbody.DeviceError(
        offsetC: address.numberOption("offset") ?? 0, gain: address.numberOption("gain") ?? 1,
        noiseC: address.numberOption("noise") ?? 0.02),
      seed: UInt64(truncatingIfNeeded: address.integerOption("seed") ?? 1))
  }

  private func simulated(_ kind: String, scene: EntranceScene, blackbody: Blackbody?) throws(DeviceFault)
    -> any Thermometer
  {
    switch kind {
    case "mlx90614", "mcp2221":
      var model = SceneDrivenDevice(
        device: MCP2221Model(sensor: MLX90614Model(objectC: 20, ambientC: 20)), scene: scene, clock: clock)
      model.onArrival = onArrival
      model.blackbody = blackbody
      var bridge = MCP2221Bridge(transport: SimulatedReportTransport(model: model))
      try ThermometerOpener.slowDown(&bridge)
      return MLX90614Thermometer(bridge: bridge)
    case "cp2112":
      var model = SceneDrivenDevice(
        device: CP2112Model(sensor: MLX90614Model(objectC: 20, ambientC: 20)), scene: scene, clock: clock)
      model.onArrival = onArrival
      model.blackbody = blackbody
      return MLX90614Thermometer(bridge: CP2112Bridge(transport: SimulatedReportTransport(model: model)))
    case "pyrousb":
      var model = SceneDrivenDevice(device: PyroUSBModel(objectC: 20, sensorC: 20), scene: scene, clock: clock)
      model.onArrival = onArrival
      model.blackbody = blackbody
      return PyroUSBThermometer(stream: SimulatedByteStream(model: model))
    case "optris":
      var model = SceneDrivenDevice(device: OptrisModel(targetC: 20, headC: 20), scene: scene, clock: clock)
      model.onArrival = onArrival
      model.blackbody = blackbody
      return OptrisThermometer(stream: SimulatedByteStream(model: model))
    default:
      throw DeviceFault(
        kind: .protocolError,
        message:
          "no simulated device '\(kind)' (known: \(DeviceAddress.simulatedThermometerKinds.joined(separator: ", ")))")
    }
  }
}
