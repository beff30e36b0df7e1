import Testing
import ThermoDaemon

@Suite(.timeLimit(.minutes(1))) struct ManualTimeTests {
  @Test func aSleeperWakesWhenMonotonicTimeReachesItsDeadline() async throws {
    let time = ManualTime()
    let deadline = time.monotonic() + 5
    let sleeper = Task { try await time.sleep(untilMonotonic: deadline) }
    time.advance(by: 4.9)
    time.stepWall(by: 600)
    await Task.yield()
    time.advance(by: 0.1)
    try await sleeper.value
    #expect(time.monotonic() == deadline)
  }

  @Test func aCancelledSleeperIsWokenWithACancellationError() async throws {
    let time = ManualTime()
    let sleeper = Task { try await time.sleep(untilMonotonic: time.monotonic() + 3600) }
    sleeper.cancel()
    await #expect(throws: CancellationError.self) { try await sleeper.value }
  }
}
