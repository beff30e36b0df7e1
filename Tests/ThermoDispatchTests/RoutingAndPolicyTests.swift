import Testing

@testable import ThermoDispatch
@testable import ThermoStore

@Suite struct RoutingTests {
  let fever = Alert(
    kind: .fever, entrance: "north", device: "mcp2221:serial=1", raisedAt: 0, summary: "", screeningID: 1)
  let fault = Alert(kind: .deviceFault, entrance: "south", device: "pyrousb:/dev/x", raisedAt: 0, summary: "")

  @Test func theFirstMatchingRouteWinsUnlessItContinues() {
    let routing = Routing(
      routes: [
        Route(kinds: [.fever], sinks: ["doctor", "gate"], continues: true, escalateTo: ["duty"], escalateAfter: 120),
        Route(entrances: ["north"], sinks: ["webhook", "doctor"]),
        Route(sinks: ["log"]),
      ], localSinks: ["gate", "log"])
    #expect(
      routing.decide(fever)
        == RoutingDecision(sinks: ["gate", "doctor", "webhook"], escalateTo: ["duty"], escalateAfter: 120))
    #expect(routing.decide(fault) == RoutingDecision(sinks: ["log"], escalateTo: [], escalateAfter: nil))
  }

  @Test func aDeviceMatcherNeedsTheAlertToNameThatDevice() {
    let route = Route(devices: ["pyrousb:/dev/x"], sinks: ["log"])
    #expect(route.matches(fault))
    #expect(!route.matches(fever))
    #expect(!route.matches(Alert(kind: .storageDegraded, entrance: "north", raisedAt: 0, summary: "")))
  }

  @Test func personAlertsNeverGroupButConditionsDo() {
    let second = Alert(
      kind: .fever, entrance: "north", device: "mcp2221:serial=1", raisedAt: 5, summary: "", screeningID: 2)
    #expect(fever.groupKey != second.groupKey)
    var later = fault
    later.raisedAt = 99
    #expect(fault.groupKey == later.groupKey)
  }
}

@Suite struct RetryPolicyTests {
  @Test func delaysDoubleUpToTheCap() {
    let policy = RetryPolicy(initialDelay: 1, multiplier: 2, maximumDelay: 10, jitter: 0)
    #expect((1...6).map { policy.delay(afterAttempt: $0, random: 0.5) } == [1, 2, 4, 8, 10, 10])
  }

  @Test func jitterSpreadsADelayEvenlyAroundItsBase() {
    let policy = RetryPolicy(initialDelay: 10, multiplier: 2, maximumDelay: 100, jitter: 0.2)
    #expect(policy.delay(afterAttempt: 1, random: 0) == 8)
    #expect(policy.delay(afterAttempt: 1, random: 0.5) == 10)
    #expect(abs(policy.delay(afterAttempt: 1, random: 0.999_999) - 12) < 0.001)
    // Never negative, even with silly inputs; huge attempt counts stay at the cap.
    #expect(policy.delay(afterAttempt: 10_000, random: 2) <= 120)
    #expect(RetryPolicy(initialDelay: 1, jitter: 2).delay(afterAttempt: 1, random: 0) >= 0)
  }
}

@Suite struct NotificationDecisionTests {
  @Test func aNewConditionNotifiesAnOpenOneDoesNotAResolvedOneRecurs() {
    #expect(NotificationDecision.forRaised(history: nil) == .firstNotification)
    let open = NotificationDecision.History(lastNotifiedAt: 10, isOpen: true, isAcknowledged: false)
    #expect(NotificationDecision.forRaised(history: open) == .duplicate)
    let resolved = NotificationDecision.History(lastNotifiedAt: 10, isOpen: false, isAcknowledged: false)
    #expect(NotificationDecision.forRaised(history: resolved) == .recurred)
  }

  @Test func unacknowledgedAlertsRepeatOnlyAfterTheInterval() {
    let open = NotificationDecision.History(lastNotifiedAt: 100, isOpen: true, isAcknowledged: false)
    #expect(NotificationDecision.forOpen(history: open, now: 399, repeatInterval: 300) == .duplicate)
    #expect(NotificationDecision.forOpen(history: open, now: 400, repeatInterval: 300) == .repeatInterval)
    #expect(NotificationDecision.forOpen(history: open, now: 400, repeatInterval: nil) == .duplicate)
    var acknowledged = open
    acknowledged.isAcknowledged = true
    #expect(NotificationDecision.forOpen(history: acknowledged, now: 10_000, repeatInterval: 300) == .duplicate)
  }
}
