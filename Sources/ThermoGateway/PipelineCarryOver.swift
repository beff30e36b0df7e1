import Synchronization
import ThermoCore
import ThermoDevices

/// Entrance pipelines handed from one configuration's services to the next on reload.
final class PipelineCarryOver: Sendable {
  private let pipelines = Mutex<[String: (EntranceConfiguration, DeviceAddress, EntrancePipeline)]>([:])

  func keep(
    _ entrance: String, configuration: EntranceConfiguration, thermometer: DeviceAddress, pipeline: EntrancePipeline
  ) {
    pipelines.withLock { $0[entrance] = (configuration, thermometer, pipeline) }
  }

  func take(_ entrance: String) -> (EntranceConfiguration, DeviceAddress, EntrancePipeline)? {
    pipelines.withLock { $0.removeValue(forKey: entrance) }
  }
}
