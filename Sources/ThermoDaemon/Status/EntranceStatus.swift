import Foundation
import Synchronization
import ThermoCore
import ThermoDispatch
import ThermoStore

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
  /// The latest screening, in the one screening wire shape; its time in seconds, which the
  /// dashboard computes ages with.
  public typealias LastScreening = ScreeningMessage

  /// A re-check window as the duty office sees it (person IDs as the register keeps them).
  public struct Recheck: Sendable, Codable, Equatable {
    public var id: Int
    public var person: String?
    public var openedAt: Double
    public var deadline: Double
    public var bodyC: Double

    enum CodingKeys: String, CodingKey {
      case id, person, deadline
      case openedAt = "opened_at"
      case bodyC = "body_c"
    }
  }

  /// The thermometer's calibration in force, from the calibration log.
  public struct Calibration: Sendable, Codable, Equatable {
    public var id: Int64?
    public var kind: String
    public var outcome: String
    public var time: Double
    public var nextDueAt: Double?
    public var technician: String
    public var offsetC: Double
    public var gain: Double
    public var failures: [String]

    enum CodingKeys: String, CodingKey {
      case id, kind, outcome, time, technician, gain, failures
      case nextDueAt = "next_due_at"
      case offsetC = "offset_c"
    }
  }

  /// The last access decision, shown on the tile with its reason.
  public struct LastDecision: Sendable, Codable, Equatable {
    public var pass: Int
    public var time: Double
    public var outcome: String
    public var reason: String
    /// As the register keeps it.
    public var person: String?
    public var holder: String?
  }

  /// What the guard at the lane is told now.
  public struct GuardLineStatus: Sendable, Codable, Equatable {
    public var pass: Int
    public var time: Double
    public var instruction: String
    public var reason: String?
    /// The line in words (English until the locale catalogue words it).
    public var text: String
  }

  /// An emergency release (free passage) in force at the entrance: the oldest of those that
  /// cover it, so the tile says since when the lane has been open.
  public struct Emergency: Sendable, Codable, Equatable {
    public var id: Int64
    public var since: Double
    public var by: String
    public var reason: String
    /// The release covers every entrance: only clearing all of them ends it.
    public var allEntrances: Bool

    public init(id: Int64, since: Double, by: String, reason: String, allEntrances: Bool) {
      self.id = id
      self.since = since
      self.by = by
      self.reason = reason
      self.allEntrances = allEntrances
    }

    enum CodingKeys: String, CodingKey {
      case id, since, by, reason
      case allEntrances = "all_entrances"
    }
  }

  public var entrance: String
  public var state: EntranceState
  /// `access` or `screen`.
  public var mode = AccessMode.screen.rawValue
  public var lastDecision: LastDecision?
  public var guardLine: GuardLineStatus?
  /// Access decisions since local midnight, by outcome (`granted`, `denied`).
  public var todayAccess: [String: Int] = [:]
  public var since: Double
  public var device: String
  public var lastError: String?
  public var lastScreening: LastScreening?
  /// Screenings by class since the daemon started.
  public var counts: [String: Int] = [:]
  /// Screenings by class since local midnight (the register's, so a restart keeps them).
  public var today: [String: Int] = [:]
  public var todayStartedAt: Double = 0
  public var thresholdC: Double
  public var thresholdSource: String
  public var baselineC: Double?
  public var openRechecks = 0
  public var samples = 0
  public var gateHeld = false
  /// Nil when no emergency release covers the entrance.
  public var emergency: Emergency?
  public var rechecks: [Recheck] = []
  /// Nil: no calibration recorded for the thermometer (simulated ones need none).
  public var calibration: Calibration?
  public var calibrationRequired = false
  public var deviceErrors = 0

  enum CodingKeys: String, CodingKey {
    case entrance, state, since, device, counts, samples, today, rechecks, calibration
    case mode, emergency
    case lastDecision = "last_decision"
    case guardLine = "guard_line"
    case todayAccess = "today_access"
    case lastError = "last_error"
    case lastScreening = "last_screening"
    case thresholdC = "threshold_c"
    case thresholdSource = "threshold_source"
    case baselineC = "baseline_c"
    case openRechecks = "open_rechecks"
    case gateHeld = "gate_held"
    case todayStartedAt = "today_started_at"
    case calibrationRequired = "calibration_required"
    case deviceErrors = "device_errors"
  }
}

/// The live status of every entrance, shared between the entrance monitors (writers) and the
/// HTTP handlers (readers).
public final class GatewayStatus: Sendable {
  private let entrances = Mutex<[String: EntranceStatus]>([:])
  /// Kept apart from the entrances' lines, which their monitors write afresh when they start:
  /// the release set by the relays (at start, before any monitor) must survive that.
  private let emergencies = Mutex<[String: EntranceStatus.Emergency]>([:])
  private let order: [String]
  /// The last hour's screenings, for the dashboard's charts.
  public let history = ScreeningHistory()
  /// Days for "today's" counts begin at midnight here.
  public let timeZone: TimeZone

  public init(entrances names: [String], timeZone: TimeZone = .current) {
    order = names
    self.timeZone = timeZone
  }

  /// Local midnight at or before `time`, and the next one.
  public func day(containing time: Double) -> (start: Double, end: Double) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let date = Date(timeIntervalSince1970: time)
    guard let interval = calendar.dateInterval(of: .day, for: date) else {
      let start = (time / 86_400).rounded(.down) * 86_400
      return (start, start + 86_400)
    }
    return (interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970)
  }

  /// Fills today's counts and the charts from the register, so a restart or a reload shows what
  /// the duty office saw before it.
  public func restore(from store: AlertStore, now: Double) throws(StoreError) {
    let today = day(containing: now)
    let counts = try store.screeningCounts(since: today.start, until: today.end)
    let recent = try store.screenings(
      since: now - history.span, until: now + 1, limit: order.count * history.capacity)
    var access: [String: [String: Int]] = [:]
    for count in try store.passageCounts(since: today.start, until: today.end) {
      access[count.entrance, default: [:]][count.outcome, default: 0] += count.count
    }
    restore(from: recent, counts: counts, access: access, dayStart: today.start)
  }

  func restore(
    from entries: [RegisterEntry], counts: [String: [String: Int]], access: [String: [String: Int]] = [:],
    dayStart: Double
  ) {
    for entry in entries where entry.bodyC != nil && order.contains(entry.entrance) {
      history.append(
        entrance: entry.entrance, time: entry.time, bodyC: entry.bodyC, screeningClass: entry.screeningClass,
        thresholdC: entry.thresholdC, baselineC: entry.baselineC)
    }
    entrances.withLock { entrances in
      for name in order {
        var status =
          entrances[name]
          ?? EntranceStatus(
            entrance: name, state: .noDevice, since: dayStart, device: "", thresholdC: 0, thresholdSource: "")
        status.today = counts[name] ?? [:]
        status.todayAccess = access[name] ?? [:]
        status.todayStartedAt = dayStart
        entrances[name] = status
      }
    }
  }

  public func update(_ entrance: String, _ change: (inout EntranceStatus?) -> Void) {
    entrances.withLock { change(&$0[entrance]) }
  }

  public func snapshot() -> [EntranceStatus] {
    let current = entrances.withLock { $0 }
    let emergencies = emergencies.withLock { $0 }
    return order.compactMap { name in
      current[name].map { with(emergencies[name], $0) }
    }
  }

  public func status(of entrance: String) -> EntranceStatus? {
    let emergency = emergencies.withLock { $0[entrance] }
    return entrances.withLock { $0[entrance] }.map { with(emergency, $0) }
  }

  /// The configured entrances, in the configuration's order.
  public var entranceNames: [String] { order }

  /// Shows the emergency releases in force on the entrances they cover.
  public func showEmergency(_ releases: [EmergencyRelease]) {
    var shown: [String: EntranceStatus.Emergency] = [:]
    for name in order {
      guard let oldest = releases.filter({ $0.covers(name) }).min(by: { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) })
      else { continue }
      shown[name] = EntranceStatus.Emergency(
        id: oldest.id, since: oldest.startedAt, by: oldest.startedBy, reason: oldest.reason,
        allEntrances: oldest.entrance == nil)
    }
    emergencies.withLock { $0 = shown }
  }

  private func with(_ emergency: EntranceStatus.Emergency?, _ status: EntranceStatus) -> EntranceStatus {
    var status = status
    status.emergency = emergency
    return status
  }
}
