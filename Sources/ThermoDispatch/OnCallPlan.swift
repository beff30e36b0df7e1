import Foundation
import ThermoStore

/// The roster with everything needed to call people from it: the site's time zone, the duty
/// office (the last stage, and the only one in a gap) and how long each stage has to acknowledge.
public struct OnCallPlan: Sendable, Equatable {
  public var roster: OnCallRoster
  /// Sink names that reach the duty office.
  public var dutyOffice: [String]
  /// Seconds each stage has before the next one is called.
  public var acknowledgementDeadline: Double
  public var timeZone: TimeZone

  public init(roster: OnCallRoster, dutyOffice: [String], acknowledgementDeadline: Double = 120, timeZone: TimeZone) {
    self.roster = roster
    self.dutyOffice = dutyOffice
    self.acknowledgementDeadline = acknowledgementDeadline
    self.timeZone = timeZone
  }

  /// Whom an alert raised at `time` calls, in order: the doctor on call, their backup, the duty
  /// office. In a gap, the duty office alone.
  public func chain(at time: Double) -> OnCallChain {
    let primary = roster.onCall(at: time, in: timeZone)
    var stages: [OnCallStage] = []
    if let primary {
      stages.append(OnCallStage(role: .primary, name: primary.name, channels: primary.channels))
      if let backupName = roster.entry(at: time, in: timeZone)?.backup, backupName != primary.name,
        let backup = roster.person(named: backupName)
      {
        stages.append(OnCallStage(role: .backup, name: backup.name, channels: backup.channels))
      }
    }
    if !dutyOffice.isEmpty { stages.append(OnCallStage(role: .dutyOffice, name: nil, channels: dutyOffice)) }
    return OnCallChain(
      onCall: primary?.name, stages: stages, deadline: acknowledgementDeadline, resolvedAt: time)
  }

  /// The hours of the week nobody is on call, said for a configuration check; nil when every
  /// hour is covered.
  public var gapWarning: String? {
    let gaps = roster.gaps
    guard !gaps.isEmpty else { return nil }
    let hours = gaps.map(\.hours).reduce(0, +)
    return
      "nobody is on call \(gaps.map(\.description).joined(separator: ", ")) (\(String(format: "%g", hours)) h a week, "
      + "\(timeZone.identifier)): fevers then go straight to the duty office (\(dutyOffice.joined(separator: ", ")))"
  }

  /// Who is on call at `time`, whom a fever would call, and who comes next: the dashboard's and
  /// `thermogate on-call`'s answer.
  public func status(at time: Double) -> OnCallStatus {
    let nextChange = roster.nextChange(after: time, in: timeZone)
    return OnCallStatus(
      time: time, now: roster.onCall(at: time, in: timeZone), chain: chain(at: time).stages,
      nextChangeAt: nextChange, next: nextChange.flatMap { roster.onCall(at: $0, in: timeZone) })
  }
}

/// The roster's answer for one moment.
public struct OnCallStatus: Sendable, Equatable {
  public var time: Double
  /// Nil: nobody is on call; fevers go to the duty office.
  public var now: OnCallRoster.Person?
  public var chain: [OnCallStage]
  /// When somebody else (or nobody) is on call; nil when that never changes.
  public var nextChangeAt: Double?
  /// Who is on call from `nextChangeAt` (nil: nobody).
  public var next: OnCallRoster.Person?
}
