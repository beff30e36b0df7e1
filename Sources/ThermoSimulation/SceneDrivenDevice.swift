import ThermoDevices

/// A device model whose object and sensor-head temperatures can be set from outside.
public protocol ThermometerModel: Sendable {
  mutating func present(objectC: Double, ambientC: Double)
}

extension MLX90614Model: ThermometerModel {
  public mutating func present(objectC: Double, ambientC: Double) {
    self.objectC = objectC
    self.ambientC = ambientC
  }
}

extension MCP2221Model: ThermometerModel {
  public mutating func present(objectC: Double, ambientC: Double) {
    sensor?.present(objectC: objectC, ambientC: ambientC)
  }
}

extension CP2112Model: ThermometerModel {
  public mutating func present(objectC: Double, ambientC: Double) {
    sensor?.present(objectC: objectC, ambientC: ambientC)
  }
}

extension PyroUSBModel: ThermometerModel {
  public mutating func present(objectC: Double, ambientC: Double) {
    self.objectC = objectC
    sensorC = ambientC
  }
}

extension OptrisModel: ThermometerModel {
  public mutating func present(objectC: Double, ambientC: Double) {
    targetC = objectC
    headC = ambientC
  }
}

/// A device model in front of an `EntranceScene`: before each request it is given what the
/// scene shows at that moment, so the protocol bytes carry people walking past. The clock is
/// passed in (the real one in the demo and `thermogate simulate`, a stepped one in tests).
public struct SceneDrivenDevice<Device: ThermometerModel>: Sendable {
  public var device: Device
  public var scene: EntranceScene
  public let clock: @Sendable () -> Double
  /// A stuck sensor: it keeps reporting the last value, bit for bit, whatever is in front of it.
  public var freezesReadings = false
  /// Told of each visitor as they step into view, with the time: a badge reader beside the
  /// sensor reads their card then.
  public var onArrival: (@Sendable (EntranceScene.Visitor, Double) -> Void)?
  private var lastArrival: Double?
  /// When set, the sensor looks at this blackbody instead of the entrance (calibration).
  public var blackbody: Blackbody?

  public init(device: Device, scene: EntranceScene, clock: @escaping @Sendable () -> Double) {
    self.device = device
    self.scene = scene
    self.clock = clock
  }

  mutating func advance() {
    guard !freezesReadings else { return }
    if let blackbody {
      let reading = blackbody.reading()
      device.present(objectC: reading.objectC, ambientC: reading.ambientC)
      return
    }
    let time = clock()
    let reading = scene.reading(at: time)
    device.present(objectC: reading.objectC, ambientC: reading.ambientC)
    if let visitor = scene.visitor, visitor.arrival != lastArrival {
      lastArrival = visitor.arrival
      onArrival?(visitor, time)
    }
  }
}

extension SceneDrivenDevice: ReportDeviceModel where Device: ReportDeviceModel {
  public mutating func handle(_ out: [UInt8]) -> [[UInt8]] {
    advance()
    return device.handle(out)
  }
}

extension SceneDrivenDevice: ByteStreamDeviceModel where Device: ByteStreamDeviceModel {
  public mutating func handle(_ bytes: [UInt8]) -> [UInt8] {
    advance()
    return device.handle(bytes)
  }
}
