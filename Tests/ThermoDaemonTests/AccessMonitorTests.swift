import Testing
import ThermoCore
import ThermoDaemon
import ThermoDispatch
import ThermoStore

/// An outlet with a slow disk: it notes what the entrance had already shown when the register
/// write began, and when the turnstile was released.
actor SlowDiskOutlet: ScreeningOutlet {
  let status: GatewayStatus
  var directory: AccessDirectory
  var directoryVersion = 1
  var relayBroken = false
  var events: [String] = []
  var passages: [AccessDecision] = []

  init(status: GatewayStatus, directory: AccessDirectory) {
    self.status = status
    self.directory = directory
  }

  func record(_ decision: Decision, entrance: String, device: String?) async -> Int64? { 1 }
  func raise(_ alert: Alert) async -> Int64? {
    events.append("alert \(alert.kind.rawValue)")
    return 1
  }
  func resolve(_ kind: AlertKind, entrance: String, device: String?, at time: Double) async {}
  func isSilenced(entrance: String, at time: Double) async -> Bool { false }
  func releaseGate(entrance: String, alertID: Int64) async {}

  func register(screenings: [Decision], passages: [PassageRecord], entrance: String, device: String?) async
    -> RegisteredIDs?
  {
    let shown = status.status(of: entrance)?.lastDecision
    events.append("write begins, shown: \(shown.map { "\($0.outcome) \($0.reason)" } ?? "nothing")")
    try? await Task.sleep(for: .milliseconds(200))
    self.passages += passages.map(\.decision)
    events.append("committed \(passages.map { "\($0.decision.outcome.rawValue) \($0.decision.reason.rawValue)" })")
    return RegisteredIDs(
      screenings: screenings.indices.map { Int64($0 + 1) }, passages: passages.indices.map { Int64($0 + 1) })
  }

  func holdGate(entrance: String) async -> Int64? {
    events.append("held")
    return -7
  }

  func transferGateHold(entrance: String, from key: Int64, toAlert alertID: Int64) async {
    events.append("hold \(key) to alert \(alertID)")
  }

  /// Like the relays: a failure is known once a command failed, until the board answers again.
  var relayKnownFailing = false

  func releasePassage(entrance: String) async -> Bool {
    events.append(relayBroken ? "release failed" : "released")
    if relayBroken { relayKnownFailing = true }
    return !relayBroken
  }

  func gateWorks(entrance: String) async -> Bool { !relayKnownFailing }

  func breakRelay(_ broken: Bool) {
    relayBroken = broken
    if !broken { relayKnownFailing = false }
  }

  func accessDirectory(newerThan version: Int?, at wall: Double) async -> (version: Int, directory: AccessDirectory)? {
    version == directoryVersion ? nil : (directoryVersion, directory)
  }

  /// An import or a block: the store's version moves on.
  func replaceDirectory(_ directory: AccessDirectory) {
    self.directory = directory
    directoryVersion += 1
  }
}

@Suite struct AccessMonitorTests {
  func pass(from start: Double, skinC: Double) -> [Sample] {
    EntranceMonitorTests().passSamples(from: start, skinC: skinC)
  }

  func monitor(mode: AccessMode = .access) -> (EntranceMonitor, SlowDiskOutlet, GatewayStatus) {
    let status = GatewayStatus(entrances: ["north"])
    let outlet = SlowDiskOutlet(
      status: status,
      directory: AccessDirectory(staff: [StaffMember(workID: "E1"), StaffMember(workID: "E2", blocked: true)]))
    let monitor = EntranceMonitor(
      entrance: "north", thermometer: "sim:mlx90614", pipeline: EntrancePipeline(), outlet: outlet, status: status,
      personIDs: .plain, access: AccessSettings(mode: mode), clock: .manual(at: 1000))
    return (monitor, outlet, status)
  }

  @Test func aDenialIsShownBeforeTheDiskAndAGrantReleasedOnlyAfterIt() async throws {
    var (monitor, outlet, status) = monitor()
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    // A blocked badge: denied at once, on the board before its record is written.
    await monitor.handle(.badge("E2", at: 1000.5))
    #expect(await outlet.events.first == "write begins, shown: denied blocked_id")
    #expect(status.status(of: "north")?.guardLine?.instruction == "see_guard")

    // A valid badge, then a normal reading: registered, and only then released.
    await monitor.handle(.badge("E1", at: 1010))
    for sample in pass(from: 1010, skinC: 35.5) { await monitor.handle(.sample(sample)) }
    let events = await outlet.events
    let committed = try #require(events.firstIndex(of: "committed [\"granted normal\"]"))
    let released = try #require(events.firstIndex(of: "released"))
    #expect(committed < released, "\(events)")
    #expect(status.status(of: "north")?.lastDecision?.outcome == "granted")
    #expect(status.status(of: "north")?.todayAccess == ["denied": 1, "granted": 1])
  }

  @Test func aReadingWithoutAnIDIsNeverLetThrough() async throws {
    var (monitor, outlet, _) = monitor()
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    for sample in pass(from: 1010, skinC: 35.5) { await monitor.handle(.sample(sample)) }
    await monitor.handle(.tick(1040))
    #expect(await outlet.passages.map(\.reason) == [.noID])
    #expect(!(await outlet.events.contains("released")))
  }

  @Test func aFreeFlowLaneIsHeldBeforeTheDiskAndTheHoldPassesToTheAlert() async throws {
    var (monitor, outlet, _) = monitor(mode: .screen)
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    for sample in pass(from: 1010, skinC: 37.2) { await monitor.handle(.sample(sample)) }
    let events = await outlet.events
    #expect(events.first == "held", "\(events)")
    let write = try #require(events.firstIndex { $0.hasPrefix("write begins") })
    let transfer = try #require(events.firstIndex(of: "hold -7 to alert 1"))
    #expect(events.firstIndex(of: "held") ?? .max < write)
    #expect(events.firstIndex(of: "alert elevated") ?? .max < transfer)
  }

  @Test func aBadgeLineOfGarbageAsksForTheBadgeAgainAndDecidesNothing() async throws {
    var (monitor, outlet, status) = monitor()
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    await monitor.handle(.badgeUnreadable(.corrupted(length: 4), at: 1001))
    await monitor.handle(.badgeUnreadable(.tooLong(length: 65, limit: 64), at: 1002))
    #expect(status.status(of: "north")?.guardLine?.instruction == "badge_again")
    #expect(status.status(of: "north")?.guardLine?.text == "Badge not read — present it again")
    #expect(await outlet.passages.isEmpty)
    // The lane goes on: the next person's badge and reading are decided as usual.
    await monitor.handle(.badge("E1", at: 1010))
    for sample in pass(from: 1010, skinC: 35.5) { await monitor.handle(.sample(sample)) }
    #expect(await outlet.passages.map(\.outcome) == [.granted])
  }

  @Test func aNewImportIsSeenWithoutARestart() async throws {
    var (monitor, outlet, _) = monitor()
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    await monitor.handle(.badge("E3", at: 1001))
    #expect(await outlet.passages.map(\.reason) == [.unknownID])
    await outlet.replaceDirectory(AccessDirectory(staff: [StaffMember(workID: "E3")]))
    await monitor.handle(.tick(1010))
    await monitor.handle(.badge("E3", at: 1011))
    for sample in pass(from: 1011, skinC: 35.5) { await monitor.handle(.sample(sample)) }
    #expect(await outlet.passages.map(\.reason) == [.unknownID, .normal])
  }

  @Test func aRelayThatFailsDeniesAsADeviceFaultAndRecoversByItself() async throws {
    var (monitor, outlet, status) = monitor()
    await monitor.handle(.opened(device: "sim:mlx90614", at: 1000))
    await outlet.breakRelay(true)
    await monitor.handle(.badge("E1", at: 1010))
    for sample in pass(from: 1010, skinC: 35.5) { await monitor.handle(.sample(sample)) }
    #expect(await outlet.events.contains("release failed"))
    #expect(status.status(of: "north")?.guardLine?.instruction == "device_fault")
    #expect(await outlet.events.contains("alert device_fault"), "an alert says the relay is away")
    // The next person is not let through on a relay that does not answer.
    await monitor.handle(.badge("E1", at: 1030))
    for sample in pass(from: 1030, skinC: 35.5) { await monitor.handle(.sample(sample)) }
    #expect(await outlet.passages.map(\.reason).last == .deviceFault)
    // The relay answers again: so does the entrance.
    await outlet.breakRelay(false)
    await monitor.handle(.tick(1050))
    await monitor.handle(.badge("E1", at: 1051))
    for sample in pass(from: 1051, skinC: 35.5) { await monitor.handle(.sample(sample)) }
    #expect(await outlet.passages.map(\.outcome).last == .granted)
    #expect(await outlet.events.last == "released")
  }
}
