import Synchronization
import ThermoCore

/// What the API, the metrics and the status line show of an entrance.
public enum EntranceState: String, Sendable, Codable, CaseIterable {
  case ready
  case warming
  case noDevice = "no_device"
  case fault
  /// Alerts from this entrance are silenced (maintenance, a known faulty sensor).
  case silenced
}

public struct EntranceStatus: Sendable, Codable, Equatable {
  public struct LastScreening: Sendable, Codable, Equatable {
    public var time: Double
    public var screeningClass: String
    public var reason: String
    public var bodyC: Double?
    public var person: String?

    enum CodingKeys: String, CodingKey {
      case time, reason, person
      case screeningClass = "class"
      case bodyC = "body_c"
    }
  }

  public var entrance: String
  public var state: EntranceState
  public var since: Double
  public var device: String
  public var lastError: String?
  public var lastScreening: LastScreening?
  /// Screenings by class since the daemon started.
  public var counts: [String: Int] = [:]
  public var thresholdC: Double
  public var thresholdSource: String
  public var baselineC: Double?
  public var openRechecks = 0
  public var samples = 0
  public var gateHeld = false

  enum CodingKeys: String, CodingKey {
    case entrance, state, since, device, counts, samples
    case lastError = "last_error"
    case lastScreening = "last_screening"
    case thresholdC = "threshold_c"
    case thresholdSource = "threshold_source"
    case baselineC = "baseline_c"
    case openRechecks = "open_rechecks"
    case gateHeld = "gate_held"
  }
}

/// The live status of every entrance, shared between the entrance monitors (writers) and the
/// HTTP handlers (readers).
public final class GatewayStatus: Sendable {
  private let entrances = Mutex<[String: EntranceStatus]>([:])
  private let order: [String]

  public init(entrances names: [String]) {
    order = names
  }

  public func update(_ entrance: String, _ change: (inout EntranceStatus?) -> Void) {
    entrances.withLock { change(&$0[entrance]) }
  }

  public func snapshot() -> [EntranceStatus] {
    let current = entrances.withLock { $0 }
    return order.compactMap { current[$0] }
  }

  public func status(of entrance: String) -> EntranceStatus? {
    entrances.withLock { $0[entrance] }
  }
}
