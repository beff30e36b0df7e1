import Metrics
import ThermoCore
import ThermoDevices

/// An entrance's figures for /metrics: samples (total and per second of gateway time), device
/// errors by kind, screenings by class, the state gauges and the decision latency.
struct EntranceMetrics {
  let entrance: String
  private let samples: Counter
  private let samplesPerSecond: Gauge
  private let latency: Metrics.Timer
  private var samplesInWindow = 0
  private var windowStart = -Double.infinity

  init(entrance: String) {
    self.entrance = entrance
    samples = Counter(label: "thermogate_samples_total", dimensions: [("entrance", entrance)])
    samplesPerSecond = Gauge(label: "thermogate_samples_per_second", dimensions: [("entrance", entrance)])
    latency = Metrics.Timer(label: "thermogate_decision_latency_seconds", dimensions: [("entrance", entrance)])
  }

  mutating func sampleReceived() {
    samples.increment()
    samplesInWindow += 1
  }

  /// The rate over the last ten seconds or so of (monotonic) gateway time.
  mutating func updateRate(at time: Double) {
    guard time - windowStart >= 10 else { return }
    if windowStart > -Double.infinity {
      samplesPerSecond.record(Double(samplesInWindow) / (time - windowStart))
    }
    windowStart = time
    samplesInWindow = 0
  }

  /// How long the decisions a sample completed took, from its arrival.
  func decided(since received: ContinuousClock.Instant) {
    let elapsed = (ContinuousClock.now - received).components
    latency.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
  }

  func deviceError(_ fault: DeviceFault) {
    Counter(
      label: "thermogate_device_errors_total", dimensions: [("entrance", entrance), ("kind", fault.kind.rawValue)]
    )
    .increment()
  }

  func screened(_ screeningClass: ScreeningClass) {
    Counter(
      label: "thermogate_screenings_total", dimensions: [("entrance", entrance), ("class", screeningClass.rawValue)]
    ).increment()
  }

  func badgeUnreadable() {
    Counter(label: "thermogate_badge_reads_rejected_total", dimensions: [("entrance", entrance)]).increment()
  }

  func accessDecided(_ decision: AccessDecision) {
    Counter(
      label: "thermogate_access_decisions_total",
      dimensions: [
        ("entrance", entrance), ("outcome", decision.outcome.rawValue), ("reason", decision.reason.rawValue),
      ]
    ).increment()
  }

  func state(_ state: EntranceState) {
    for candidate in EntranceState.allCases {
      Gauge(label: "thermogate_entrance_state", dimensions: [("entrance", entrance), ("state", candidate.rawValue)])
        .record(candidate == state ? 1 : 0)
    }
  }
}
