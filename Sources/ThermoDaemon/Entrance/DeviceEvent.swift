import ThermoCore
import ThermoDevices

/// What an entrance's device thread reports to the entrance's monitor.
public enum DeviceEvent: Sendable, Equatable {
  /// The thermometer opened (or reopened); `device` names it as the register will.
  case opened(device: String, at: Seconds)
  case sample(Sample)
  /// A read failed; the device is still open unless `closed` follows.
  case readFailed(DeviceFault, at: Seconds)
  /// The device was given up (unplugged, or failing read after read) and will be reopened.
  case closed(DeviceFault, at: Seconds)
  /// Opening failed; the next attempt follows after a backoff.
  case openFailed(DeviceFault, at: Seconds)
  /// A badge was read at the entrance.
  case badge(String, at: Seconds)
  /// The reader typed a line that is no ID (why, by length only: a partial ID is personal data).
  case badgeUnreadable(BadgeAssembler.Rejection, at: Seconds)
  /// The badge reader or ambient reference failed or recovered (nil fault).
  case auxiliary(String, DeviceFault?, at: Seconds)
  /// Time passes with no samples (the device is away): re-check windows and stalled passes
  /// still close.
  case tick(Seconds)
}

extension DeviceEvent {
  /// The gateway time the event happened at.
  public var time: Seconds {
    switch self {
    case .opened(_, let time), .readFailed(_, let time), .closed(_, let time), .openFailed(_, let time),
      .badge(_, let time), .badgeUnreadable(_, let time), .auxiliary(_, _, let time), .tick(let time):
      time
    case .sample(let sample): sample.time
    }
  }
}
