import Benchmark
import Foundation
import Synchronization
import ThermoCore
import ThermoDispatch
import ThermoStore

// The dispatcher's durable intake on a real SQLite file in the temporary directory (so the
// figures include fsync on this machine's disk):
// - accepting an alert: its own transaction, synchronous=FULL, never batched;
// - registering screenings: batched, 1,000 per transaction;
// - from `raise` to the guard-post sink having it: wall clock per alert, p50/p99 in the table.
func scratchDatabase() -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).sqlite").path
}

let decision = Decision(
  time: 0, screeningClass: .normal, reason: .belowThreshold, person: "E12345", rawObjectC: 35.2, skinC: 35.3,
  ambientC: 22, bodyC: 36.8, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil, guardBandC: 0.1,
  calibrationID: "bench", bodyModelVersion: "bench", recheck: nil, sampleCount: 12)

/// The guard post: signals each delivery to whoever waits for it.
final class GuardPost: AlertSink {
  let name = "gate"
  let isLocal = true
  let delivered = Mutex<[Int64: CheckedContinuation<Void, Never>]>([:])
  let early = Mutex<Set<Int64>>([])

  func deliver(_ job: DeliveryJob) async -> DeliveryOutcome {
    let waiter = delivered.withLock { $0.removeValue(forKey: job.alertID) }
    if let waiter { waiter.resume() } else { early.withLock { _ = $0.insert(job.alertID) } }
    return .delivered
  }

  func wait(for id: Int64) async {
    await withCheckedContinuation { continuation in
      let already = early.withLock { $0.remove(id) != nil }
      if already { continuation.resume() } else { delivered.withLock { $0[id] = continuation } }
    }
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput], warmupIterations: 1, maxDuration: .seconds(10), maxIterations: 200)

  Benchmark("intake: accept one alert (own transaction, synchronous=FULL)") { benchmark in
    let store = try AlertStore(path: scratchDatabase())
    let routing = RoutingDecision(sinks: ["gate", "webhook", "mqtt"], escalateTo: [], escalateAfter: nil)
    var screening: Int64 = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      screening += 1
      blackHole(
        try store.accept(
          Alert(kind: .fever, entrance: "north", raisedAt: Double(screening), summary: "fever", screeningID: screening),
          routing: routing))
    }
  }

  Benchmark(
    "register: screenings, 1,000 per transaction",
    configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .kilo)
  ) { benchmark in
    let store = try AlertStore(path: scratchDatabase())
    let batch = (0..<benchmark.scaledIterations.count).map { _ in
      RegisterEntry(decision: decision, entrance: "north", device: "bench", policy: .hashed(key: Array("k".utf8)))
    }
    benchmark.startMeasurement()
    blackHole(try store.register(batch))
  }

  Benchmark("latency: raise → guard-post sink has it") { benchmark in
    let post = GuardPost()
    let dispatcher = Dispatcher(
      store: try AlertStore(path: scratchDatabase()),
      settings: .init(routing: Routing(routes: [Route(sinks: ["gate"])], localSinks: ["gate"])), sinks: [post])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    var screening: Int64 = 0
    for _ in benchmark.scaledIterations {
      screening += 1
      benchmark.startMeasurement()
      let acceptance = try await dispatcher.raise(
        Alert(kind: .fever, entrance: "north", raisedAt: Double(screening), summary: "fever", screeningID: screening))
      if case .accepted(let id, _) = acceptance { await post.wait(for: id) }
      benchmark.stopMeasurement()
    }
  }
}
