import Synchronization

/// The dashboard's live streams: how many are open (a gate box serves a duty office, not the
/// internet: past `limit` a new one is refused) and the snapshot they share, built at most
/// twice a second however many pages are open.
final class DashboardStreams: Sendable {
  let limit: Int
  private let open = Mutex(0)
  private let cached = Mutex<(builtAt: ContinuousClock.Instant, value: any Sendable)?>(nil)

  init(limit: Int = 32) {
    self.limit = limit
  }

  /// A slot, given back when the ticket goes; nil when `limit` streams are already open.
  func enter() -> Ticket? {
    let admitted = open.withLock { count in
      guard count < limit else { return false }
      count += 1
      return true
    }
    return admitted ? Ticket(self) : nil
  }

  var openCount: Int { open.withLock { $0 } }

  fileprivate func leave() {
    open.withLock { $0 = max(0, $0 - 1) }
  }

  final class Ticket: Sendable {
    private let streams: DashboardStreams

    fileprivate init(_ streams: DashboardStreams) {
      self.streams = streams
    }

    deinit { streams.leave() }
  }

  func snapshot<Snapshot: Sendable>(maximumAge: Duration = .milliseconds(500), build: () async -> Snapshot) async
    -> Snapshot
  {
    let now = ContinuousClock.now
    if let cached = cached.withLock({ $0 }), now - cached.builtAt < maximumAge,
      let snapshot = cached.value as? Snapshot
    {
      return snapshot
    }
    let snapshot = await build()
    cached.withLock { $0 = (now, snapshot) }
    return snapshot
  }
}
