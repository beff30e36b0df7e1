import Dispatch
import Synchronization
import Testing
import ThermoDaemon
import ThermoDevices
import ThermoSimulation

/// The turnstile relays behind simulated boards driven by the real relay driver, on a manual
/// clock: time moves only when the test moves it.
@Suite struct GateRelaysTests {
  let time = ManualTime()
  let boards = SimulatedRelays()
  let north: DeviceAddress
  let south: DeviceAddress

  init() throws {
    north = try DeviceAddress(parsing: "sim:relay?channel=1")
    south = try DeviceAddress(parsing: "sim:relay?channel=2")
  }

  func relays(maximumHold: Double = 120) async throws -> GateRelays {
    let relays = GateRelays(gates: [:], relays: boards, status: nil, clock: GatewayClock(source: time))
    await relays.configure(
      gates: ["north": north, "south": south], relays: boards, status: nil, maximumHold: maximumHold)
    return relays
  }

  @Test func clearingOnePersonDoesNotOpenTheGateOnAnother() async throws {
    let relays = try await relays()
    try await relays.hold(entrance: "north", alertID: 1)
    try await relays.hold(entrance: "north", alertID: 2)
    #expect(boards.channelState(north) == true)
    #expect(boards.channelState(south) == false)
    try await relays.release(entrance: "north", alertID: 1)
    #expect(boards.channelState(north) == true, "alert 2 still holds it")
    try await relays.release(entrance: "north", alertID: 1)
    #expect(boards.channelState(north) == true, "releasing twice changes nothing")
    try await relays.release(entrance: "north", alertID: 2)
    #expect(boards.channelState(north) == false)
  }

  @Test func aHoldNobodyReleasesEndsByItselfOnMonotonicTime() async throws {
    let relays = try await relays(maximumHold: 5)
    try await relays.hold(entrance: "south", alertID: 7)
    #expect(boards.channelState(south) == true)
    // A wall clock set forward by ten minutes does not end the hold early…
    time.stepWall(by: 600)
    time.advance(by: 4.9)
    #expect(await relays.heldEntrances == ["south"])
    #expect(boards.channelState(south) == true)
    // …and five seconds of monotonic time do.
    time.advance(by: 0.1)
    // The expiry runs as its own task and the relay thread switches the board: wait for both.
    while boards.channelState(south) != false { await Task.yield() }
    #expect(await relays.heldEntrances.isEmpty)
  }

  @Test func shutdownReleasesEveryHeldGate() async throws {
    let relays = try await relays()
    try await relays.hold(entrance: "north", alertID: 1)
    try await relays.hold(entrance: "south", alertID: 2)
    await relays.releaseAll()
    #expect(boards.channelState(north) == false)
    #expect(boards.channelState(south) == false)
  }
}

/// A relay board whose switching the test can hold up, recording every command it carries out.
final class SlowRelays: RelayOpening, @unchecked Sendable {
  // `commands` is appended to only on the relay thread; the tests read it once that is idle.
  private(set) var commands: [Bool] = []
  private let count = Mutex(0)
  var commandCount: Int { count.withLock { $0 } }
  let blocked = Mutex(false)
  let failing = Mutex(false)
  let resume = DispatchSemaphore(value: 0)
  let entered = DispatchSemaphore(value: 0)

  struct Board: RelaySwitch {
    let owner: SlowRelays
    mutating func set(channel: Int, on: Bool) throws {
      if owner.failing.withLock({ $0 }) { throw DeviceFault(kind: .timeout, message: "the board does not answer") }
      if owner.blocked.withLock({ $0 }) {
        owner.entered.signal()
        owner.resume.wait()
      }
      owner.commands.append(on)
      owner.count.withLock { $0 += 1 }
    }
  }

  func openRelay(_ address: DeviceAddress) throws(DeviceFault) -> any RelaySwitch { Board(owner: self) }
}

@Suite(.timeLimit(.minutes(1))) struct GateRelaysOrderTests {
  @Test func aReleaseOverlappingAHoldInFlightNeverOpensTheGateOnTheHeldPerson() async throws {
    let board = SlowRelays()
    let address = try DeviceAddress(parsing: "relay:serial=SLOW1?channel=1")
    let relays = GateRelays(
      gates: ["north": address], relays: board, status: nil, clock: GatewayClock(source: ManualTime()))
    try await relays.hold(entrance: "north", alertID: 1)
    // The next transfer hangs (a board timing out) while alert 2's hold is in flight…
    board.blocked.withLock { $0 = true }
    let second = Task { try await relays.hold(entrance: "north", alertID: 2) }
    await withCheckedContinuation { continuation in
      DispatchQueue.global().async {
        board.entered.wait()
        continuation.resume()
      }
    }
    board.blocked.withLock { $0 = false }
    // …and alert 1 is cleared meanwhile: the gate must stay held for alert 2.
    let first = Task { try await relays.release(entrance: "north", alertID: 1) }
    board.resume.signal()
    try await second.value
    try await first.value
    #expect(board.commands == [true, true, true])
    #expect(await relays.heldEntrances == ["north"])
  }

  @Test func aHoldArrivingAfterItsAlertWasReleasedDoesNotShutTheGate() async throws {
    let board = SlowRelays()
    let address = try DeviceAddress(parsing: "relay:serial=SLOW1?channel=1")
    let relays = GateRelays(
      gates: ["north": address], relays: board, status: nil, clock: GatewayClock(source: ManualTime()))
    // Acknowledged before the gate sink's hold landed (a retried delivery).
    try await relays.release(entrance: "north", alertID: 9)
    try await relays.hold(entrance: "north", alertID: 9)
    #expect(board.commands.isEmpty)
    #expect(await relays.heldEntrances.isEmpty)
  }

  @Test func aReleaseTheBoardRefusedIsTriedAgainUntilTheGateOpens() async throws {
    let board = SlowRelays()
    let address = try DeviceAddress(parsing: "relay:serial=SLOW1?channel=1")
    let time = ManualTime()
    let relays = GateRelays(gates: ["north": address], relays: board, status: nil, clock: GatewayClock(source: time))
    try await relays.hold(entrance: "north", alertID: 1)
    board.failing.withLock { $0 = true }
    await #expect(throws: DeviceFault.self) { try await relays.release(entrance: "north", alertID: 1) }
    #expect(board.commands == [true], "still shut")
    // The board answers again; two seconds on, the release is carried out by itself.
    board.failing.withLock { $0 = false }
    time.advance(by: 2)
    while board.commandCount < 2 { await Task.yield() }
    #expect(board.commands == [true, false])
  }
}
