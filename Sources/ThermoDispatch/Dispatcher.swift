import Foundation
import Logging
import ThermoStore

/// Takes alerts, stores them durably, and delivers each to its sinks: every sink in its own
/// task, so a slow or dead one never delays another, local sinks first. Retries, repeats and
/// escalations come from the store (persisted times), so a restart resumes where it stopped.
public actor Dispatcher {
  public struct Settings: Sendable {
    public var routing: Routing
    public var retry: RetryPolicy
    /// Alert kinds repeated while nobody acknowledges them, and how often.
    public var repeatKinds: Set<AlertKind>
    public var repeatInterval: Double
    /// How often escalations and repeats are checked.
    public var maintenanceInterval: Double
    /// How long screenings (and closed alerts) are kept: personal health records, so bounded.
    public var retention: Double
    /// How often the retention purge runs.
    public var purgeInterval: Double
    /// Whom a route's `on_call` calls; nil without a roster.
    public var onCall: OnCallPlan?

    public init(
      routing: Routing, retry: RetryPolicy = RetryPolicy(), repeatKinds: Set<AlertKind> = [.fever],
      repeatInterval: Double = 300, maintenanceInterval: Double = 1, retention: Double = 30 * 86_400,
      purgeInterval: Double = 3600, onCall: OnCallPlan? = nil
    ) {
      self.routing = routing
      self.retry = retry
      self.repeatKinds = repeatKinds
      self.repeatInterval = repeatInterval
      self.maintenanceInterval = maintenanceInterval
      self.retention = retention
      self.purgeInterval = purgeInterval
      self.onCall = onCall
    }
  }

  public nonisolated let store: AlertStore
  public nonisolated let settings: Settings
  private let sinks: [any AlertSink]
  private let now: @Sendable () -> Double
  private let random: @Sendable () -> Double
  private let logger = Logger(label: "thermogate.dispatcher")
  private let wakeUps: [String: WakeSignal]
  /// Set while the store refuses writes; cleared by the next write that succeeds.
  public private(set) var storageDegraded: StoreError?

  public init(
    store: AlertStore, settings: Settings, sinks: [any AlertSink],
    now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
    random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
  ) {
    self.store = store
    self.settings = settings
    self.sinks = sinks
    wakeUps = Dictionary(sinks.map { ($0.name, WakeSignal()) }, uniquingKeysWith: { first, _ in first })
    self.now = now
    self.random = random
  }

  /// Stores the alert and its deliveries; when this returns `.accepted`, both are on disk. A
  /// store that cannot take writes is reported at once through the local sinks (which need no
  /// disk) and the error is thrown: the caller knows the alert was not accepted.
  @discardableResult
  public func raise(_ alert: Alert) async throws(StoreError) -> AlertStore.Acceptance {
    let routing = decide(alert)
    let acceptance: AlertStore.Acceptance
    do {
      acceptance = try await store.writing { store throws(StoreError) in try store.accept(alert, routing: routing) }
    } catch {
      if error.isStorageUnavailable { await reportStorageDegraded(error, while: alert) }
      throw error
    }
    if let degraded = storageDegraded {
      storageDegraded = nil
      logger.notice("alert store writable again after: \(degraded.description)")
    }
    if case .accepted(_, let sinks) = acceptance {
      for sink in sinks { wakeUps[sink]?.signal() }
    }
    return acceptance
  }

  /// The routes' decision, with the on-call chain resolved from the roster now.
  private func decide(_ alert: Alert) -> RoutingDecision {
    var routing = settings.routing.decide(alert)
    if routing.callsOnCall, let plan = settings.onCall { routing.onCall = plan.chain(at: now()) }
    return routing
  }

  /// The store refused the alert: it still goes, now and without a record, to the routed sinks
  /// that need no disk (the gate is held for a fever whether or not the disk is full), and the
  /// first failure adds a `storage_degraded` notice for the guard post.
  private func reportStorageDegraded(_ error: StoreError, while alert: Alert) async {
    let first = storageDegraded == nil
    storageDegraded = error
    let routing = decide(alert)
    let routed = Set(routing.sinks + (routing.onCall?.stages.first?.channels ?? []))
    for sink in sinks where sink.isLocal {
      if routed.contains(sink.name) {
        _ = await sink.deliver(
          DeliveryJob(
            alertID: 0, sink: sink.name, sequence: 0, attempts: 0, kind: alert.kind, entrance: alert.entrance,
            device: alert.device, raisedAt: alert.raisedAt,
            summary: alert.summary + " (not recorded: store unavailable)",
            details: alert.details))
      }
      if first {
        _ = await sink.deliver(
          DeliveryJob(
            alertID: 0, sink: sink.name, sequence: 0, attempts: 0, kind: .storageDegraded, entrance: alert.entrance,
            device: nil, raisedAt: now(),
            summary: "alert store unavailable (\(error.message)); alerts are not being recorded", details: "{}"))
      }
    }
  }

  /// Delivers until cancelled: one worker per sink, plus the escalation and repeat checks.
  public func run() async {
    let known = Set(sinks.map(\.name))
    let onCallSinks = (settings.onCall?.roster.entries.flatMap(\.channels) ?? []) + (settings.onCall?.dutyOffice ?? [])
    let named = settings.routing.routes.flatMap { $0.sinks + $0.escalateTo } + onCallSinks
    for name in Set(named).subtracting(known).subtracting([Routing.onCallSink]).sorted() {
      logger.error("routes or the on-call roster name sink '\(name)', which is not configured; its deliveries wait")
    }
    if settings.onCall == nil, settings.routing.routes.contains(where: { $0.sinks.contains(Routing.onCallSink) }) {
      logger.error("routes name 'on_call' but there is no on-call roster: nobody on call is called")
    }
    await withTaskGroup(of: Void.self) { group in
      for sink in sinks {
        let signal = wakeUps[sink.name] ?? WakeSignal()
        group.addTask { await self.work(sink, wakeUp: signal) }
      }
      group.addTask { await self.maintain() }
      await group.waitForAll()
    }
  }

  /// One sink's loop: deliver what is due, then wait for the next due time or a new alert.
  private nonisolated func work(_ sink: any AlertSink, wakeUp: WakeSignal) async {
    while !Task.isCancelled {
      let jobs: [DeliveryJob]
      do {
        let time = now()
        let name = sink.name
        jobs = try await store.reading { store throws(StoreError) in try store.dueDeliveries(sink: name, now: time) }
      } catch {
        logger.error("\(error.description)")
        // A row that cannot be read is not delivered as a guess; its deliveries to this sink fail
        // (and say why), so the alerts queued behind it still go.
        if let alertID = error.alertID {
          let (name, reason) = (sink.name, error.description)
          do {
            try await store.writing { store throws(StoreError) in
              try store.failPendingDeliveries(alertID: alertID, sink: name, reason: reason)
            }
            continue
          } catch {
            logger.error("\(error.description)")
          }
        }
        try? await Task.sleep(for: .seconds(1))
        continue
      }
      var recordFailed = false
      for job in jobs {
        let outcome = await sink.deliver(job)
        do {
          let (time, retry, random) = (now(), settings.retry, random())
          try await store.writing { store throws(StoreError) in
            try store.record(outcome, for: job, at: time, retry: retry, random: random)
          }
        } catch {
          // Not recorded: it stays due and is delivered again later (at least once, never lost),
          // but not at once: a store that refuses writes must not turn into a resend loop.
          logger.error("\(error.description)")
          recordFailed = true
          break
        }
        if Task.isCancelled { return }
      }
      if recordFailed {
        try? await Task.sleep(for: .seconds(1))
        continue
      }
      guard jobs.isEmpty else { continue }
      let name = sink.name
      let nextDue = (try? await store.reading { store throws(StoreError) in try store.nextDueTime(sink: name) }) ?? nil
      let wait = min(max((nextDue ?? .infinity) - now(), 0.001), 1.0)
      await wakeUp.wait(timeout: .milliseconds(Int(wait * 1000)))
    }
  }

  private nonisolated func maintain() async {
    var lastPurge = -Double.infinity
    while !Task.isCancelled {
      try? await Task.sleep(for: .milliseconds(Int(settings.maintenanceInterval * 1000)))
      let time = now()
      do {
        let (kinds, interval) = (settings.repeatKinds, settings.repeatInterval)
        let escalated = try await store.writing { store throws(StoreError) in try store.escalate(now: time) }
        let called = try await store.writing { store throws(StoreError) in try store.advanceOnCall(now: time) }
        let repeated = try await store.writing { store throws(StoreError) in
          try store.repeatUnacknowledged(kinds: kinds, interval: interval, now: time)
        }
        if !escalated.isEmpty || !called.isEmpty || !repeated.isEmpty { await wakeAll() }
        if time - lastPurge >= settings.purgeInterval {
          lastPurge = time
          let cutoff = time - settings.retention
          let purged = try await store.writing { store throws(StoreError) in try store.purge(olderThan: cutoff) }
          if purged > 0 { logger.info("retention: removed \(purged) screening(s) older than the retention period") }
        }
      } catch {
        logger.error("\(error.description)")
      }
    }
  }

  private func wakeAll() {
    for signal in wakeUps.values { signal.signal() }
  }

  public func acknowledge(id: Int64, by person: String) async throws(StoreError) -> Bool {
    let time = now()
    return try await store.writing { store throws(StoreError) in try store.acknowledge(id: id, by: person, at: time) }
  }
}
