import Testing
import ThermoDevices
import ThermoGateway

/// The turnstile relays behind simulated boards driven by the real relay driver.
@Suite struct GateRelaysTests {
  func relays(maximumHold: Double = 120) async throws -> GateRelays {
    let relays = GateRelays(gates: [:], usb: nil, status: nil, clock: GatewayClock(speed: 100))
    await relays.configure(
      gates: [
        "north": try DeviceAddress(parsing: "sim:relay?channel=1"),
        "south": try DeviceAddress(parsing: "sim:relay?channel=2"),
      ], usb: nil, status: nil, maximumHold: maximumHold)
    return relays
  }

  @Test func clearingOnePersonDoesNotOpenTheGateOnAnother() async throws {
    let relays = try await relays()
    try await relays.hold(entrance: "north", alertID: 1)
    try await relays.hold(entrance: "north", alertID: 2)
    #expect(await relays.simulatedChannelState(entrance: "north") == true)
    #expect(await relays.simulatedChannelState(entrance: "south") == false)
    try await relays.release(entrance: "north", alertID: 1)
    #expect(await relays.simulatedChannelState(entrance: "north") == true, "alert 2 still holds it")
    try await relays.release(entrance: "north", alertID: 1)
    #expect(await relays.simulatedChannelState(entrance: "north") == true, "releasing twice changes nothing")
    try await relays.release(entrance: "north", alertID: 2)
    #expect(await relays.simulatedChannelState(entrance: "north") == false)
  }

  @Test func aHoldNobodyReleasesEndsByItself() async throws {
    // 5 s of gateway time at 100× speed: 50 ms.
    let relays = try await relays(maximumHold: 5)
    try await relays.hold(entrance: "south", alertID: 7)
    #expect(await relays.simulatedChannelState(entrance: "south") == true)
    var released = false
    for _ in 0..<100 where !released {
      try await Task.sleep(for: .milliseconds(20))
      released = await relays.simulatedChannelState(entrance: "south") == false
    }
    #expect(released)
  }

  @Test func shutdownReleasesEveryHeldGate() async throws {
    let relays = try await relays()
    try await relays.hold(entrance: "north", alertID: 1)
    try await relays.hold(entrance: "south", alertID: 2)
    await relays.releaseAll()
    #expect(await relays.simulatedChannelState(entrance: "north") == false)
    #expect(await relays.simulatedChannelState(entrance: "south") == false)
  }
}
