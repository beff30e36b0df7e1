import Synchronization

/// A blackbody reference source in front of a simulated thermometer whose radiometric error is
/// known: the thermometer reads `(setPoint − offset) / gain` plus noise, so a calibration should
/// find `offset` and `gain` (corrected = gain · raw + offset). The technician's tool sets the
/// set-point, as a technician sets the real blackbody.
public final class Blackbody: Sendable {
  public struct DeviceError: Sendable, Equatable {
    public var offsetC: Double
    public var gain: Double
    public var noiseC: Double

    public init(offsetC: Double = 0, gain: Double = 1, noiseC: Double = 0.02) {
      self.offsetC = offsetC
      self.gain = gain
      self.noiseC = noiseC
    }
  }

  private struct State {
    var setPointC: Double
    var random: SeededRandom
  }

  public let error: DeviceError
  public let roomC: Double
  private let state: Mutex<State>

  public init(setPointC: Double = 35, error: DeviceError, roomC: Double = 23, seed: UInt64 = 1) {
    self.error = error
    self.roomC = roomC
    state = Mutex(State(setPointC: setPointC, random: SeededRandom(seed: seed)))
  }

  public var setPointC: Double {
    get { state.withLock { $0.setPointC } }
    set { state.withLock { $0.setPointC = newValue } }
  }

  /// What the thermometer's object channel sees now, and its head temperature.
  public func reading() -> (objectC: Double, ambientC: Double) {
    state.withLock { state in
      let noise = state.random.normal(mean: 0, standardDeviation: error.noiseC)
      return ((state.setPointC - error.offsetC) / error.gain + noise, roomC)
    }
  }
}
