import Foundation
import Synchronization
import ThermoCore
import ThermoDaemon
import ThermoDevices
import ThermoDispatch
import ThermoStore

// Decision → action at an entrance, on a real SQLite file with the daemon's own outlet, relays
// and dispatcher: how long from the sample (or badge) that completes a decision until the
// turnstile or the guard is acted on. A grant waits for its record (nobody enters unrecorded);
// a denial and a free-flow hold must not. Run it plainly and under strace with fdatasync made
// slow (`make bench-access`): denials and holds stay where they are, grants take the fsync.

/// Relay boards that note when each channel is switched on.
final class StampingRelays: RelayOpening {
  let stamps = Mutex<[(channel: Int, at: ContinuousClock.Instant)]>([])

  struct Board: RelaySwitch {
    let relays: StampingRelays
    mutating func set(channel: Int, on: Bool) throws {
      if on { relays.stamps.withLock { $0.append((channel, ContinuousClock.now)) } }
    }
  }

  func openRelay(_ address: DeviceAddress) throws(DeviceFault) -> any RelaySwitch { Board(relays: self) }

  func onSince(_ count: Int, channel: Int) -> ContinuousClock.Instant? {
    stamps.withLock { Array($0.dropFirst(count)) }.first { $0.channel == channel }?.at
  }
  var count: Int { stamps.withLock { $0.count } }
}

/// The daemon's outlet, noting when an entrance first reaches for the disk: a denial is already
/// shown by then.
struct StampingOutlet: ScreeningOutlet {
  final class Stamps: Sendable {
    let instants = Mutex<[ContinuousClock.Instant]>([])
  }

  let inner: GatewayOutlet
  let writes = Stamps()

  func record(_ decision: Decision, entrance: String, device: String?) async -> Int64? {
    await inner.record(decision, entrance: entrance, device: device)
  }
  func raise(_ alert: Alert) async -> Int64? { await inner.raise(alert) }
  func resolve(_ kind: AlertKind, entrance: String, device: String?, at time: Double) async {
    await inner.resolve(kind, entrance: entrance, device: device, at: time)
  }
  func isSilenced(entrance: String, at time: Double) async -> Bool { false }
  func releaseGate(entrance: String, alertID: Int64) async {
    await inner.releaseGate(entrance: entrance, alertID: alertID)
  }
  func register(screenings: [Decision], passages: [PassageRecord], entrance: String, device: String?) async
    -> RegisteredIDs?
  {
    writes.instants.withLock { $0.append(ContinuousClock.now) }
    return await inner.register(screenings: screenings, passages: passages, entrance: entrance, device: device)
  }
  func releasePassage(entrance: String) async -> Bool { await inner.releasePassage(entrance: entrance) }
  func holdGate(entrance: String) async -> Int64? { await inner.holdGate(entrance: entrance) }
  func transferGateHold(entrance: String, from key: Int64, toAlert alertID: Int64) async {
    await inner.transferGateHold(entrance: entrance, from: key, toAlert: alertID)
  }
  func accessDirectory(newerThan version: Int?, at wall: Double) async -> (version: Int, directory: AccessDirectory)? {
    await inner.accessDirectory(newerThan: version, at: wall)
  }
}

func pass(from start: Double, skinC: Double) -> [Sample] {
  (0..<60).map { index in
    let present = index >= 5 && index < 40
    return Sample(time: start + Double(index) * 0.1, objectC: present ? skinC : 21.5, ambientC: 22)
  }
}

func milliseconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func summary(_ name: String, _ values: [Double]) -> String {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return "\(name): no samples" }
  let median = sorted[sorted.count / 2]
  let p95 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.95))]
  return String(format: "%@: median %.3f ms, p95 %.3f ms (n=%d)", name, median, p95, sorted.count)
}

func measure() async throws {
  let label = CommandLine.arguments.dropFirst().first ?? "as the disk is"
  let people = 30
  let directory = NSTemporaryDirectory() + "thermogate-access-latency-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(atPath: directory) }
  let store = try AlertStore(path: directory + "/thermogate.sqlite")
  try store.importDirectory(
    [StaffMember(workID: "E1"), StaffMember(workID: "E2", blocked: true)], source: "bench", by: nil,
    at: Date().timeIntervalSince1970)

  let clock = GatewayClock()
  let status = GatewayStatus(entrances: ["access", "free"])
  let relays = StampingRelays()
  let gate = GateRelays(
    gates: [
      "access": try DeviceAddress(parsing: "sim:relay?channel=1"),
      "free": try DeviceAddress(parsing: "sim:relay?channel=2"),
    ], relays: relays, status: status, maximumHold: 30, releaseEntrances: ["access"], releasePulse: 0.05, clock: clock)
  let dispatcher = Dispatcher(
    store: store,
    settings: Dispatcher.Settings(
      routing: Routing(routes: [Route(kinds: [.fever, .elevated], sinks: ["gate"])], localSinks: ["gate"])),
    sinks: [GateSink(name: "gate", gate: gate, now: clock.wallNow)], now: clock.wallNow)
  let outlet = StampingOutlet(inner: GatewayOutlet(store: store, dispatcher: dispatcher, personIDs: .plain, gate: gate))

  var accessLane = EntranceMonitor(
    entrance: "access", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: outlet, status: status,
    personIDs: .plain, access: AccessSettings(mode: .access), clock: clock)
  var freeLane = EntranceMonitor(
    entrance: "free", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: outlet, status: status,
    personIDs: .plain, access: AccessSettings(mode: .screen), clock: clock)

  var grants: [Double] = []
  var denials: [Double] = []
  var holds: [Double] = []
  var time = clock.monotonicNow()
  await accessLane.handle(.opened(device: "sim:mlx90614", at: time))
  await freeLane.handle(.opened(device: "sim:mlx90614", at: time))
  for _ in 0..<people {
    time += 10
    // A blocked badge: the refusal is shown when the entrance first reaches for the disk.
    let writesBefore = outlet.writes.instants.withLock { $0.count }
    var start = ContinuousClock.now
    await accessLane.handle(.badge("E2", at: time))
    if let shown = outlet.writes.instants.withLock({ $0.dropFirst(writesBefore).first }) {
      denials.append(milliseconds(shown - start))
    }

    // A valid badge and a normal reading: released once the record is on disk.
    time += 10
    await accessLane.handle(.badge("E1", at: time))
    for sample in pass(from: time, skinC: 35.5) {
      let before = relays.count
      start = ContinuousClock.now
      await accessLane.handle(.sample(sample))
      if let on = relays.onSince(before, channel: 1) { grants.append(milliseconds(on - start)) }
    }

    // An elevated person in a free-flow lane: held before anything is written.
    time += 10
    for sample in pass(from: time, skinC: 37.2) {
      let before = relays.count
      start = ContinuousClock.now
      await freeLane.handle(.sample(sample))
      if let on = relays.onSince(before, channel: 2) { holds.append(milliseconds(on - start)) }
    }
    try await gate.release(entrance: "free")
    time += 700  // past the re-check window: the next elevated person opens a new one
    await freeLane.handle(.tick(time))
  }

  print("decision → action, \(label):")
  print("  " + summary("denial shown (access lane)", denials))
  print("  " + summary("hold switched (free-flow lane)", holds))
  print("  " + summary("release switched (access lane, after its record)", grants))
  let median = { (values: [Double]) in values.sorted()[values.count / 2] }
  if !grants.isEmpty, !denials.isEmpty, !holds.isEmpty {
    print(
      String(
        format: "  release / denial: %.0f×, release / hold: %.0f×", median(grants) / max(median(denials), 1e-6),
        median(grants) / max(median(holds), 1e-6)))
  }
}

try await measure()
