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
    while await !relays.heldEntrances.isEmpty { await Task.yield() }
    #expect(boards.channelState(south) == false)
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
