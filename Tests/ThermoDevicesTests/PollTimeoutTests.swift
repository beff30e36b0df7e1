import Testing

@testable import ThermoDevices

/// poll(2) takes a negative timeout as "wait forever": a deadline that passed must become 0.
@Suite struct PollTimeoutTests {
  @Test(arguments: [
    (Duration.milliseconds(-5), Int32(0)), (.nanoseconds(-1), 0), (.seconds(-3), 0), (.zero, 0),
    (.nanoseconds(1), 1), (.microseconds(1), 1), (.microseconds(1_500), 2), (.milliseconds(250), 250),
    (.milliseconds(Int64(Int32.max)), Int32.max), (.milliseconds(Int64(Int32.max) + 1), Int32.max),
    (.seconds(Int64.max / 2), Int32.max), (.seconds(Int64.min / 2), 0),
  ])
  func durationsBecomePollMilliseconds(duration: Duration, milliseconds: Int32) {
    #expect(duration.pollMilliseconds == milliseconds)
  }

  /// The shape of the old bug: the seconds say "not negative", the attoseconds carry the sign.
  @Test func aFewNegativeMillisecondsHaveZeroSeconds() {
    let (seconds, attoseconds) = Duration.milliseconds(-5).components
    #expect(seconds == 0 && attoseconds < 0)
    #expect(Duration.milliseconds(-5).pollMilliseconds == 0)
  }

  @Test func aPassedDeadlineLeavesZeroMilliseconds() {
    let now = ContinuousClock.now
    #expect(Poll.milliseconds(until: now - .milliseconds(5), from: now) == 0)
    #expect(Poll.milliseconds(until: now + .milliseconds(5), from: now) == 5)
    #expect(Poll.deadline(after: .milliseconds(-5), from: now) == now)
    #expect(Poll.deadline(after: .seconds(1), from: now) == now + .seconds(1))
  }
}
