import ThermoDispatch
import ThermoStore

/// `GET /api/on-call`: who is on call now, whom a fever would call in order, and when (and to
/// whom) that changes. `now` and `next` are null when nobody is on call.
struct OnCallMessage: Sendable, Equatable, Encodable {
  struct Person: Sendable, Equatable, Encodable {
    var name: String
    var channels: [String]
  }

  struct Stage: Sendable, Equatable, Encodable {
    var role: String
    /// Null for the duty office.
    var name: String?
    var channels: [String]

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(role, forKey: .role)
      try container.encode(name, forKey: .name)
      try container.encode(channels, forKey: .channels)
    }

    enum CodingKeys: String, CodingKey { case role, name, channels }
  }

  var timeZone: String
  var time: WireTime
  var now: Person?
  var chain: [Stage]
  var nextChangeAt: WireTime?
  var next: Person?

  init(_ status: OnCallStatus, timeZone: String) {
    self.timeZone = timeZone
    time = .text(status.time)
    now = status.now.map { Person(name: $0.name, channels: $0.channels) }
    chain = status.chain.map { Stage(role: $0.role.rawValue, name: $0.name, channels: $0.channels) }
    nextChangeAt = status.nextChangeAt.map { .text($0) }
    next = status.next.map { Person(name: $0.name, channels: $0.channels) }
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(timeZone, forKey: .timeZone)
    try container.encode(time, forKey: .time)
    try container.encode(now, forKey: .now)
    try container.encode(chain, forKey: .chain)
    try container.encode(nextChangeAt, forKey: .nextChangeAt)
    try container.encode(next, forKey: .next)
  }

  enum CodingKeys: String, CodingKey {
    case time, now, chain, next
    case timeZone = "time_zone"
    case nextChangeAt = "next_change_at"
  }
}
