import Testing

@testable import ThermoCore

@Suite struct ScreeningDetectorTests {
  @Test func onePassGivesOneScreeningAtTheMedianOfTheStableBurst() {
    var stream = StreamBuilder()
    stream.idle(5)
    stream.append(35.0)
    stream.append(35.1)
    stream.append(34.95)
    stream.hold(10, at: 35.0)
    stream.idle(5)
    var detector = ScreeningDetector()
    let events = detector.run(stream.samples)
    #expect(events.count == 1)
    let screening = try! #require(events.first?.screening)
    #expect(screening.rawObjectC == 35.0)
    #expect(screening.sampleCount == 3)
    #expect(abs(screening.spreadC - 0.15) < 1e-9)
    // Formed at the third stable sample, not when the subject left.
    #expect(screening.time == stream.samples[7].time)
  }

  @Test func maximumRuleTakesTheHighestSampleOfTheBurst() {
    var configuration = DetectorConfiguration()
    configuration.burstValue = .maximum
    var stream = StreamBuilder()
    stream.idle(3)
    stream.append(35.0)
    stream.append(35.15)
    stream.append(35.05)
    stream.idle(3)
    var detector = ScreeningDetector(configuration: configuration)
    let events = detector.run(stream.samples)
    #expect(events.compactMap(\.screening).map(\.rawObjectC) == [35.15])
  }

  @Test func noScreeningWhileTheReadingKeepsMoving() {
    var stream = StreamBuilder()
    stream.idle(3)
    for step in 0..<12 { stream.append(33.0 + Double(step) * 0.25) }
    var detector = ScreeningDetector()
    let events = detector.run(stream.samples)
    #expect(events.isEmpty)
    #expect(detector.isSubjectPresent)
    // When the subject leaves without a stable burst, the pass is reported as unstable.
    stream.samples.removeAll()
    stream.idle(3)
    let after = detector.run(stream.samples)
    #expect(after.count == 1)
    guard case .unstablePass(_, let count, _)? = after.first else {
      Issue.record("expected an unstable pass, got \(after)")
      return
    }
    #expect(count == 12)
  }

  @Test func subjectMustLeaveBeforeTheNextScreening() {
    var stream = StreamBuilder()
    stream.idle(3)
    stream.hold(40, at: 35.5)  // one person standing for 4 s
    var detector = ScreeningDetector()
    #expect(detector.run(stream.samples).count == 1)
    stream.samples.removeAll()
    stream.idle(1)  // one low sample is not enough to count as leaving
    stream.hold(10, at: 35.5)
    #expect(detector.run(stream.samples).isEmpty)
    stream.samples.removeAll()
    stream.idle(2)
    stream.hold(10, at: 36.0)
    #expect(detector.run(stream.samples).compactMap(\.screening).map(\.rawObjectC) == [36.0])
  }

  @Test func readingsCloseToAmbientAreNoSubject() {
    var stream = StreamBuilder()
    stream.hold(30, at: 23.9)  // ambient 22 + 1.9: below the 2 °C margin
    var detector = ScreeningDetector()
    #expect(detector.run(stream.samples).isEmpty)
    #expect(!detector.isSubjectPresent)
  }

  @Test func samplesThatArriveOutOfOrderAreDroppedAndCounted() {
    var detector = ScreeningDetector()
    _ = detector.feed(Sample(time: 1.0, objectC: 35, ambientC: 22))
    _ = detector.feed(Sample(time: 1.1, objectC: 35, ambientC: 22))
    #expect(detector.feed(Sample(time: 0.5, objectC: 35, ambientC: 22)).isEmpty)
    #expect(detector.outOfOrderSamples == 1)
    let events = detector.feed(Sample(time: 1.2, objectC: 35.05, ambientC: 22))
    #expect(events.compactMap(\.screening).count == 1)
  }

  @Test func aGapLongerThanTheSampleGapBreaksTheBurst() {
    var detector = ScreeningDetector()
    _ = detector.feed(Sample(time: 0.0, objectC: 35, ambientC: 22))
    _ = detector.feed(Sample(time: 0.1, objectC: 35, ambientC: 22))
    // 0.9 s pause: the two samples before it no longer count.
    #expect(detector.feed(Sample(time: 1.0, objectC: 35, ambientC: 22)).isEmpty)
    #expect(detector.feed(Sample(time: 1.1, objectC: 35, ambientC: 22)).isEmpty)
    #expect(detector.feed(Sample(time: 1.2, objectC: 35, ambientC: 22)).count == 1)
  }

  @Test func aPauseWhileTheSubjectStandsNeverScreensThemTwice() {
    var detector = ScreeningDetector()
    var events: [DetectorEvent] = []
    for step in 0..<5 { events += detector.feed(Sample(time: Double(step) * 0.1, objectC: 37.6, ambientC: 22)) }
    // The stream stalls for 2.5 s; the same person is still in front of the sensor.
    for step in 0..<5 {
      events += detector.feed(
        Sample(time: 3 + Double(step) * 0.1, objectC: 37.6 + Double(step % 2) * 0.02, ambientC: 22))
    }
    #expect(events.compactMap(\.screening).count == 1)
    #expect(detector.endPassIfStalled(asOf: 60) == nil)
    // Only when the reading falls back toward ambient may the next subject be screened.
    for step in 0..<2 { events += detector.feed(Sample(time: 61 + Double(step) * 0.1, objectC: 22.3, ambientC: 22)) }
    for step in 0..<3 { events += detector.feed(Sample(time: 62 + Double(step) * 0.1, objectC: 36.2, ambientC: 22)) }
    #expect(events.compactMap(\.screening).map(\.rawObjectC) == [37.6, 36.2])
  }

  @Test func aLongGapEndsAFormingPassAndTheResumedStreamIsScreened() {
    var detector = ScreeningDetector()
    var events: [DetectorEvent] = []
    for step in 0..<4 {
      events += detector.feed(Sample(time: Double(step) * 0.1, objectC: 33 + Double(step) * 0.5, ambientC: 22))
    }
    for step in 0..<3 { events += detector.feed(Sample(time: 5 + Double(step) * 0.1, objectC: 36.2, ambientC: 22)) }
    #expect(events.count == 2)
    #expect(events.first == .unstablePass(time: 5, sampleCount: 4, person: nil))
    #expect(events.last?.screening?.rawObjectC == 36.2)
  }

  @Test func aSpreadExactlyAtTheLimitIsStable() {
    var detector = ScreeningDetector()
    var events: [DetectorEvent] = []
    for (step, value) in [36.0, 36.2, 36.1].enumerated() {
      events += detector.feed(Sample(time: Double(step) * 0.1, objectC: value, ambientC: 22))
    }
    #expect(events.compactMap(\.screening).map(\.rawObjectC) == [36.1])
  }

  @Test func aStaticEmptySceneIsNotAStuckSensor() {
    var stream = StreamBuilder()
    stream.hold(120, at: 22.3, jitter: 0)  // 12 s of the same reading with nobody there
    var detector = ScreeningDetector()
    #expect(detector.run(stream.samples).isEmpty)
  }

  @Test func aStalledStreamEndsAFormingPassOnTheTimer() {
    var detector = ScreeningDetector()
    _ = detector.feed(Sample(time: 0.0, objectC: 33, ambientC: 22))
    _ = detector.feed(Sample(time: 0.1, objectC: 34, ambientC: 22))
    _ = detector.feed(Sample(time: 0.2, objectC: 35, ambientC: 22))
    #expect(detector.endPassIfStalled(asOf: 1.0) == nil)
    #expect(detector.endPassIfStalled(asOf: 3.0) == .unstablePass(time: 3.0, sampleCount: 3, person: nil))
    #expect(!detector.isSubjectPresent)
  }

  @Test func flaggedSamplesNeverFormAScreeningAndRaiseOneFault() {
    var stream = StreamBuilder()
    stream.idle(2)
    for _ in 0..<10 { stream.append(35.0, sensorError: true) }
    var detector = ScreeningDetector()
    let events = detector.run(stream.samples)
    #expect(events.count == 1)
    guard case .sensorFault(let screening)? = events.first else {
      Issue.record("expected a sensor fault, got \(events)")
      return
    }
    #expect(screening.sensorFault == .errorFlag)
    #expect(screening.time == stream.samples[4].time)
  }

  @Test func garbageValuesCountAsSensorErrors() {
    var detector = ScreeningDetector()
    var events: [DetectorEvent] = []
    for step in 0..<3 {
      events += detector.feed(Sample(time: Double(step) * 0.1, objectC: .nan, ambientC: 22))
    }
    #expect(events.count == 1)
    if case .sensorFault(let screening)? = events.first {
      #expect(screening.sensorFault == .errorFlag)
      #expect(screening.ambientC == 22)
      #expect(screening.rawObjectC.isNaN)
    } else {
      Issue.record("expected a fault")
    }
  }

  @Test func aFrozenReadingIsAStuckSensor() {
    var stream = StreamBuilder()
    stream.idle(3)
    for _ in 0..<80 { stream.append(36.40) }  // 8 s of bit-identical readings
    var detector = ScreeningDetector()
    let events = detector.run(stream.samples)
    // The first three identical samples still form a screening; the freeze is reported once.
    #expect(events.count == 2)
    #expect(events.first?.screening != nil)
    guard case .sensorFault(let fault)? = events.last else {
      Issue.record("expected a stuck fault, got \(events)")
      return
    }
    #expect(fault.sensorFault == .stuckReading)
  }

  @Test func implausibleObjectReadingsDoNotStartAPass() {
    var stream = StreamBuilder()
    stream.hold(10, at: 75)  // a hot drink, not a forehead
    var detector = ScreeningDetector()
    #expect(detector.run(stream.samples).isEmpty)
  }

  @Test func theBurstBufferIsBoundedAtAnySampleRate() {
    var configuration = DetectorConfiguration()
    configuration.minimumBurstSamples = 40
    configuration.burstCapacity = 40
    var detector = ScreeningDetector(configuration: configuration)
    var stream = StreamBuilder()
    stream.rate = 1000
    stream.idle(3)
    stream.hold(60, at: 35.2, jitter: 0.1)
    let screenings = detector.run(stream.samples).compactMap(\.screening)
    #expect(screenings.count == 1)
    #expect(screenings.first?.sampleCount == 40)
    #expect(abs((screenings.first?.rawObjectC ?? 0) - 35.25) < 1e-9)
  }

  @Test func invalidDetectorSettingsNameTheirField() {
    var configuration = DetectorConfiguration()
    configuration.departureMarginC = 3
    #expect(throws: ScreeningConfigurationError.self) { try configuration.validated() }
    do {
      _ = try configuration.validated()
    } catch {
      #expect(error.field == "departure_margin_c")
    }
  }
}
