/// Open re-checks at one entrance. An elevated screening opens one; the same person's next
/// judged screening inside the window resolves it (the pipeline settles it on the mean of both
/// body estimates, so the book keeps the opening one). Without a person ID the entrance's next
/// judged screening without an ID is taken to be the same person (they are held at the gate).
public struct RecheckBook: Sendable {
  struct Entry: Sendable {
    var id: Int
    var person: String?
    var openedAt: Seconds
    var deadline: Seconds
    var bodyC: Celsius
  }

  public let window: Seconds
  public let capacity: Int
  private var entries: [Entry]
  private var evicted: [RecheckExpiry] = []
  private var lastID = 0

  public init(window: Seconds = 600, capacity: Int = 256) {
    self.window = window
    self.capacity = max(1, capacity)
    entries = []
    entries.reserveCapacity(self.capacity)
  }

  /// Re-checks not yet resolved or reported as expired (including those closed early when the
  /// book was full).
  public var openCount: Int { entries.count + evicted.count }

  /// The open windows, earliest deadline first (those closed early when the book was full are
  /// waiting to be reported as expired and are not listed).
  public var openWindows: [OpenRecheck] {
    entries.sorted { $0.deadline < $1.deadline }.map {
      OpenRecheck(id: $0.id, person: $0.person, openedAt: $0.openedAt, deadline: $0.deadline, bodyC: $0.bodyC)
    }
  }

  /// Opens a re-check. When the book is full the entry closest to its deadline is closed early
  /// and reported by the next `nextExpired`, never dropped silently.
  mutating func open(person: String?, at time: Seconds, bodyC: Celsius) -> RecheckLink {
    if entries.count == capacity, let oldest = indexOfEarliestDeadline(before: .infinity) {
      evicted.append(Self.expiry(entries.remove(at: oldest)))
    }
    lastID += 1
    let entry = Entry(id: lastID, person: person, openedAt: time, deadline: time + window, bodyC: bodyC)
    entries.append(entry)
    return RecheckLink(id: entry.id, role: .opened, openedAt: time, deadline: entry.deadline)
  }

  /// Takes the open re-check this screening resolves, if any: a screening with a person ID
  /// resolves only that person's re-check, one without resolves the anonymous one (a fever must
  /// never be confirmed for someone on another person's reading). Entries whose window has
  /// closed are left for `nextExpired`.
  mutating func resolve(person: String?, at time: Seconds) -> OpenRecheck? {
    let index = entries.firstIndex { $0.person == person && $0.openedAt <= time && time <= $0.deadline }
    guard let index else { return nil }
    let entry = entries.remove(at: index)
    return OpenRecheck(
      id: entry.id, person: entry.person, openedAt: entry.openedAt, deadline: entry.deadline, bodyC: entry.bodyC)
  }

  /// Closes re-check `id` without a result (settled elsewhere); false when it was not open.
  mutating func close(id: Int) -> Bool {
    guard let index = entries.firstIndex(where: { $0.id == id }) else { return false }
    entries.remove(at: index)
    return true
  }

  /// Re-checks carried over from the record after a restart, and the last number given out:
  /// numbering goes on from there, and the people still get their re-check.
  mutating func restore(_ windows: [OpenRecheck], lastID: Int) {
    self.lastID = max(self.lastID, lastID, windows.map(\.id).max() ?? 0)
    for window in windows where !entries.contains(where: { $0.id == window.id }) && entries.count < capacity {
      entries.append(
        Entry(
          id: window.id, person: window.person, openedAt: window.openedAt, deadline: window.deadline,
          bodyC: window.bodyC))
    }
  }

  /// A restored re-check names its person as the register keeps them (perhaps protected); once
  /// the person shows their ID again, the re-check is theirs under the ID as read.
  mutating func relink(person stored: String, to presented: String) {
    for index in entries.indices where entries[index].person == stored { entries[index].person = presented }
  }

  /// Removes and returns one re-check whose window closed before `time`, earliest first.
  mutating func nextExpired(asOf time: Seconds) -> RecheckExpiry? {
    if !evicted.isEmpty { return evicted.removeFirst() }
    guard let index = indexOfEarliestDeadline(before: time) else { return nil }
    return Self.expiry(entries.remove(at: index))
  }

  private func indexOfEarliestDeadline(before time: Seconds) -> Int? {
    var found: Int?
    for index in entries.indices where entries[index].deadline < time {
      if let current = found, entries[current].deadline <= entries[index].deadline { continue }
      found = index
    }
    return found
  }

  private static func expiry(_ entry: Entry) -> RecheckExpiry {
    RecheckExpiry(
      id: entry.id, person: entry.person, openedAt: entry.openedAt, deadline: entry.deadline,
      bodyC: entry.bodyC)
  }
}

/// A re-check window still open: who must come back, and by when.
public struct OpenRecheck: Sendable, Equatable {
  public init(id: Int, person: String?, openedAt: Seconds, deadline: Seconds, bodyC: Celsius) {
    self.id = id
    self.person = person
    self.openedAt = openedAt
    self.deadline = deadline
    self.bodyC = bodyC
  }

  public var id: Int
  public var person: String?
  public var openedAt: Seconds
  public var deadline: Seconds
  /// Body estimate of the elevated screening that opened it.
  public var bodyC: Celsius
}
