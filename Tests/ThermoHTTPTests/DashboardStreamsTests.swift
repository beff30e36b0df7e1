import Testing

@testable import ThermoHTTP

@Suite struct DashboardStreamsTests {
  @Test func aStreamSlotIsGivenBackWhenItsTicketGoesEvenIfTheBodyNeverRan() {
    let streams = DashboardStreams(limit: 2)
    var first = streams.enter()
    let second = streams.enter()
    #expect(first != nil && second != nil)
    #expect(streams.enter() == nil, "full")
    first = nil  // a client that went away before its response body ran
    #expect(streams.openCount == 1)
    #expect(streams.enter() != nil)
    _ = second
  }

  @Test func theSharedSnapshotIsRebuiltOnlyWhenItIsOlderThanItsMaximumAge() async {
    let streams = DashboardStreams()
    var builds = 0
    let first = await streams.snapshot(maximumAge: .seconds(60)) {
      builds += 1
      return "{\"a\":1}"
    }
    let second = await streams.snapshot(maximumAge: .seconds(60)) {
      builds += 1
      return "{\"a\":2}"
    }
    #expect(first == second && builds == 1)
    let third = await streams.snapshot(maximumAge: .zero) {
      builds += 1
      return "{\"a\":3}"
    }
    #expect(third == "{\"a\":3}" && builds == 2)
  }
}
