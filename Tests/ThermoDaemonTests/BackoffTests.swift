import Testing

@testable import ThermoDaemon

@Suite struct BackoffTests {
  @Test func waitsDoubleUpToTheCapAndStartOverAfterASuccess() {
    var backoff = Backoff(initial: 0.5, maximum: 4)
    #expect((0..<6).map { _ in backoff.next() } == [0.5, 1, 2, 4, 4, 4])
    backoff.reset()
    #expect(backoff.next() == 0.5)
  }
}
