import Foundation
import Logging
import ThermoStore

/// Somewhere alerts go. A sink delivers one message per call and says how it went; the
/// dispatcher stores the outcome and schedules retries, so a sink keeps no state of its own
/// about what is pending.
public protocol AlertSink: Sendable {
  var name: String { get }
  /// A sink that needs no network and no disk (the guard post's relay and console): it is
  /// served first and is where a storage failure is still reported.
  var isLocal: Bool { get }
  func deliver(_ job: DeliveryJob) async -> DeliveryOutcome
}

/// The log line every alert leaves: through swift-log, so journald (or the terminal) has it.
public struct LogSink: AlertSink {
  public let name: String
  public let isLocal = true
  private let logger: Logger

  public init(name: String = "log", logger: Logger = Logger(label: "thermogate.alerts")) {
    self.name = name
    self.logger = logger
  }

  public func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    let level: Logger.Level =
      switch job.kind {
      case .fever, .storageDegraded: .critical
      case .elevated, .deviceFault, .deviceMissing: .error
      case .calibrationDue: .warning
      }
    logger.log(
      level: level, "\(job.summary)",
      metadata: [
        "alert": "\(job.alertID)", "kind": "\(job.kind.rawValue)", "entrance": "\(job.entrance)",
        "device": "\(job.device ?? "-")", "idempotency_key": "\(job.idempotencyKey)",
      ])
    return .delivered
  }
}

/// The turnstile: held while someone at the gate reads elevated or feverish. The gateway wires
/// a relay driver behind this protocol, so the dispatcher knows nothing of USB.
public protocol GateOutput: Sendable {
  func hold(entrance: String) async throws
  func release(entrance: String) async throws
  /// Holds for one alert: the turnstile stays held until every alert holding it is released.
  func hold(entrance: String, alertID: Int64) async throws
  func release(entrance: String, alertID: Int64) async throws
}

extension GateOutput {
  public func hold(entrance: String, alertID: Int64) async throws { try await hold(entrance: entrance) }
  public func release(entrance: String, alertID: Int64) async throws { try await release(entrance: entrance) }
}

/// The guard post's gate: holds the entrance's turnstile for person alerts. Condition alerts
/// (a faulty device) do not move the gate; they go to the guard post's log.
public struct GateSink: AlertSink {
  public let name: String
  public let isLocal = true
  private let gate: any GateOutput

  public init(
    name: String = "gate", gate: any GateOutput,
    now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
  ) {
    self.name = name
    self.gate = gate
    self.now = now
  }

  /// A hold older than this is dropped: the person has long gone, and holding the turnstile now
  /// would stop whoever stands there (a retry after an outage, a restart replaying the queue).
  public var maximumAge: Double = 60
  private let now: @Sendable () -> Double

  public func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    // Repeats and escalations are for people, not for the turnstile.
    guard job.kind.concernsAPerson, job.sequence == 0 else { return .delivered }
    guard now() - job.raisedAt <= maximumAge else { return .delivered }
    do {
      try await gate.hold(entrance: job.entrance, alertID: job.alertID)
      return .delivered
    } catch {
      return .retry("holding the gate at \(job.entrance): \(error)")
    }
  }
}
