import Synchronization
import Testing
import ThermoDevices
import ThermoSimulation
import ThermoStore

@testable import ThermoDaemon

/// Emergency release (free passage) on the turnstile relays: an `access` lane's release input
/// held on, a `screen` lane's holds suspended, and each relay back to its holds when cleared.
@Suite(.timeLimit(.minutes(1))) struct EmergencyRelaysTests {
  let time = ManualTime()

  func release(_ entrance: String?, id: Int64 = 1) -> EmergencyRelease {
    EmergencyRelease(id: id, entrance: entrance, startedAt: 1000, startedBy: "Guard Wu", reason: "fire alarm")
  }

  @Test func anAccessLaneStaysOpenThroughAPulseAndLocksWhenCleared() async throws {
    let board = SlowRelays()
    let address = try DeviceAddress(parsing: "relay:serial=SLOW1?channel=1")
    let relays = GateRelays(gates: [:], relays: board, status: nil, clock: GatewayClock(source: time))
    await relays.configure(
      gates: ["north": address], relays: board, status: nil, maximumHold: 30, releaseEntrances: ["north"])

    // A pulse is under way (release input on, the turnstile's timer running)…
    let finished = Mutex(false)
    let pulse = Task {
      try await relays.pulse(entrance: "north")
      finished.withLock { $0 = true }
    }
    while board.commandCount < 1 { await Task.yield() }
    // …when the lane is released: the pulse's end must not switch the input off.
    await relays.setEmergency([release("north")], version: 1)
    while !finished.withLock({ $0 }) {
      time.advance(by: 0.1)
      await Task.yield()
    }
    try await pulse.value
    // A grant during free passage (a pulse) does not switch it off either.
    try await relays.pulse(entrance: "north")
    #expect(board.commands.allSatisfy { $0 }, "\(board.commands)")
    #expect(await relays.freePassageEntrances == ["north"])

    // An older state (a request that read the store earlier) is not applied over a newer one.
    await relays.setEmergency([], version: 0)
    #expect(board.commands.allSatisfy { $0 })

    await relays.setEmergency([], version: 2)
    #expect(board.commands.last == false)
    #expect(await relays.freePassageEntrances.isEmpty)
  }

  @Test func aScreenLaneIsLetThroughAndHeldAgainWhenCleared() async throws {
    let boards = SimulatedRelays()
    let north = try DeviceAddress(parsing: "sim:relay?channel=1")
    let south = try DeviceAddress(parsing: "sim:relay?channel=2")
    let status = GatewayStatus(entrances: ["north", "south"])
    for name in ["north", "south"] {
      status.update(name) {
        $0 = EntranceStatus(
          entrance: name, state: .ready, since: 0, device: "sim", thresholdC: 37.5, thresholdSource: "fixed")
      }
    }
    let relays = GateRelays(gates: [:], relays: boards, status: status, clock: GatewayClock(source: time))
    await relays.configure(gates: ["north": north, "south": south], relays: boards, status: status, maximumHold: 120)
    try await relays.hold(entrance: "south", alertID: 5)
    #expect(boards.channelState(south) == true)

    await relays.setEmergency([release(nil, id: 3)], version: 1)
    #expect(boards.channelState(south) == false, "the hold is suspended")
    #expect(await relays.heldEntrances == ["south"], "but kept")
    // A fever during free passage does not shut the lane.
    try await relays.hold(entrance: "north", alertID: 6)
    #expect(boards.channelState(north) != true)
    #expect(
      status.status(of: "south")?.emergency
        == EntranceStatus.Emergency(
          id: 3, since: 1000, by: "Guard Wu", reason: "fire alarm", allEntrances: true))
    #expect(status.snapshot().allSatisfy { $0.emergency != nil })
    #expect(status.status(of: "south")?.gateHeld == false)

    await relays.setEmergency([], version: 2)
    #expect(boards.channelState(south) == true, "held again for alert 5")
    #expect(boards.channelState(north) == true, "held for alert 6")
    #expect(status.snapshot().allSatisfy { $0.emergency == nil })
  }

  @Test func aReleaseFromTheRecordIsAppliedBeforeTheStartRestore() async throws {
    let boards = SimulatedRelays()
    let north = try DeviceAddress(parsing: "sim:relay?channel=1")
    let south = try DeviceAddress(parsing: "sim:relay?channel=2")
    let relays = GateRelays(gates: [:], relays: boards, status: nil, clock: GatewayClock(source: time))
    await relays.configure(
      gates: ["north": north, "south": south], relays: boards, status: nil, maximumHold: 120,
      releaseEntrances: ["north", "south"])
    // As the daemon starts: the store's releases first, then every relay set from the record.
    await relays.setEmergency([release("south")], version: 1)
    await relays.restore([])
    #expect(boards.channelState(south) == true, "still released after the restart")
    #expect(boards.channelState(north) == false)
    // A reload keeps it.
    await relays.configure(
      gates: ["north": north, "south": south], relays: boards, status: nil, maximumHold: 120,
      releaseEntrances: ["north", "south"])
    #expect(boards.channelState(south) == true)
    #expect(await relays.freePassageEntrances == ["south"])
  }
}
