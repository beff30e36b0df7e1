import Testing

@testable import ThermoCore

@Suite struct BadgeBindingTests {
  @Test func aBadgeBelongsToTheNextPassAndEveryEventOfIt() {
    var entrance = pipeline()
    entrance.announcePerson("W-1", at: 0)
    var stream = StreamBuilder()
    stream.pass(at: 35.0)
    stream.pass(at: 35.1)
    let decisions = entrance.run(stream.samples)
    #expect(decisions.map(\.person) == ["W-1", nil])
  }

  @Test func aBadgeAnnouncedWhileAReadingFormsBelongsToThatSubject() {
    var entrance = pipeline()
    var stream = StreamBuilder()
    stream.idle(3)
    stream.append(35.0)  // the subject steps up
    _ = entrance.run(stream.samples)
    entrance.announcePerson("W-2", at: 0)
    stream.samples.removeAll()
    stream.hold(3, at: 35.0)
    stream.idle(3)
    #expect(entrance.run(stream.samples).map(\.person) == ["W-2"])
  }

  @Test func aPassTooShortToJudgeUsesUpItsBadge() {
    var entrance = pipeline()
    entrance.announcePerson("Q", at: 0)
    var stream = StreamBuilder()
    stream.idle(3)
    stream.hold(2, at: 35.0)  // two samples, then gone: no event at all
    stream.idle(3)
    stream.pass(at: 35.0)
    #expect(entrance.run(stream.samples).map(\.person) == [nil])
  }

  @Test func aSensorFaultDuringAPassCarriesItsBadge() {
    var entrance = pipeline()
    entrance.announcePerson("W-3", at: 0)
    var stream = StreamBuilder()
    stream.idle(3)
    stream.append(35.0)
    for _ in 0..<3 { stream.append(35.0, sensorError: true) }
    stream.idle(3)
    let decisions = entrance.run(stream.samples)
    #expect(decisions.map(\.screeningClass) == [.fault])
    #expect(decisions.first?.person == "W-3")
  }
}

@Suite struct LongPauseTests {
  @Test func aScreenedSubjectIsForgottenAfterALongPause() {
    var detector = ScreeningDetector()
    var events: [DetectorEvent] = []
    for step in 0..<3 { events += detector.feed(Sample(time: Double(step) * 0.1, objectC: 35.0, ambientC: 22)) }
    // An hour later somebody else stands there: they are screened.
    for step in 0..<3 { events += detector.feed(Sample(time: 3600 + Double(step) * 0.1, objectC: 36.8, ambientC: 22)) }
    #expect(events.compactMap(\.screening).map(\.rawObjectC) == [35.0, 36.8])
  }

  @Test func theTimerForgetsAScreenedSubjectSilently() {
    var detector = ScreeningDetector()
    for step in 0..<3 { _ = detector.feed(Sample(time: Double(step) * 0.1, objectC: 35.0, ambientC: 22)) }
    #expect(detector.endPassIfStalled(asOf: 5) == nil)
    #expect(detector.isSubjectPresent)
    #expect(detector.endPassIfStalled(asOf: 11) == nil)
    #expect(!detector.isSubjectPresent)
  }
}

@Suite struct IdleStuckSensorTests {
  @Test func objectAndAmbientFrozenTogetherInAnEmptySceneIsAFault() {
    var stream = StreamBuilder()
    stream.hold(700, at: 22.4, jitter: 0)  // 70 s, ambient constant too
    var detector = ScreeningDetector()
    let events = detector.run(stream.samples)
    #expect(events.count == 1)
    if case .sensorFault(let fault)? = events.first {
      #expect(fault.sensorFault == .stuckReading)
      #expect(fault.time == stream.samples[600].time)
    } else {
      Issue.record("expected a stuck fault, got \(events)")
    }
  }

  @Test func aFlatEmptySceneWithLiveAmbientIsNotAFault() {
    var detector = ScreeningDetector()
    var events: [DetectorEvent] = []
    for step in 0..<700 {
      events += detector.feed(Sample(time: Double(step) * 0.1, objectC: 22.4, ambientC: 22 + Double(step % 3) * 0.02))
    }
    #expect(events.isEmpty)
  }

  @Test func readingsStampedBeforeTheConnectionAreNotHeldByWarmUp() {
    var entrance = pipeline(warmUp: 600)
    entrance.deviceConnected(at: 1000)
    #expect(entrance.classify(screening(37.5, at: 500), person: nil).screeningClass == .elevated)
    #expect(entrance.classify(screening(36.0, at: 1200), person: nil).reason == .warmingUp)
  }
}

@Suite struct ThirdReviewRegressionTests {
  @Test func aScreeningStampedBeforeARecheckOpenedDoesNotResolveIt() {
    var entrance = pipeline()
    _ = entrance.classify(screening(38.0, at: 100), person: "A")
    let earlier = entrance.classify(screening(38.0, at: 50), person: "A")
    #expect(earlier.screeningClass == .elevated)
    #expect(earlier.recheck?.role == .opened)
  }

  @Test func aDeviceChangeTurnsAFormingReadingIntoARetry() {
    var entrance = pipeline()
    var stream = StreamBuilder()
    stream.idle(3)
    for step in 0..<4 { stream.append(33 + Double(step)) }
    _ = entrance.run(stream.samples)
    entrance.deviceChanged(calibration: DeviceCalibration(id: "cal-b"), warmUp: 0, at: stream.time + 5)
    let decision = entrance.nextDecision()
    #expect(decision?.screeningClass == .retry)
    #expect(decision?.reason == .unstableReading)
    #expect(entrance.nextDecision() == nil)
  }

  @Test func aBadgeNobodyFollowsExpires() {
    var entrance = pipeline()
    entrance.announcePerson("W-9", at: 0)
    var stream = StreamBuilder()
    stream.time = 61
    stream.pass(at: 35.0)
    #expect(entrance.run(stream.samples).map(\.person) == [nil])
  }

  @Test func burstWindowLimitsHoldAtEpochTimestamps() {
    var configuration = DetectorConfiguration()
    configuration.burstWindow = 0.6
    configuration.minimumBurstSamples = 4
    var detector = ScreeningDetector(configuration: configuration)
    var events: [DetectorEvent] = []
    for (index, time) in [1_764_316_800.1, 1_764_316_800.3, 1_764_316_800.5, 1_764_316_800.7].enumerated() {
      events += detector.feed(Sample(time: time, objectC: 35.0 + Double(index % 2) * 0.05, ambientC: 22))
    }
    #expect(events.compactMap(\.screening).count == 1)
  }

  @Test func warmUpInferredFromDataStartsAtTheEarliestReading() {
    var entrance = pipeline(warmUp: 60)
    #expect(entrance.classify(screening(36.0, at: 100), person: nil).reason == .warmingUp)
    #expect(entrance.classify(screening(36.0, at: 50), person: nil).reason == .warmingUp)
    #expect(entrance.classify(screening(36.0, at: 111), person: nil).screeningClass == .normal)
  }
}
