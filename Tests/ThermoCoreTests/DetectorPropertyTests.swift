import PropertyBased
import Testing

@testable import ThermoCore

/// Properties of the detector over generated streams.
@Suite struct DetectorPropertyTests {
  /// A generated stream: idle stretches and subject passes with noise, gaps and disorder.
  struct Step: Sendable, CustomStringConvertible {
    var dt: Double
    var objectC: Double
    var ambientC: Double
    var flagged: Bool
    var description: String { "(+\(dt)s, \(objectC)/\(ambientC)\(flagged ? ", err" : ""))" }
  }

  @Test func arbitraryStreamsNeverCrashAndScreeningsAreStable() async {
    // Readings cluster around an empty scene, two skin levels and a hot object, with noise, so
    // bursts do form; every tenth sample on average carries the error flag; time steps include
    // reversals and long pauses.
    let levels = [0.3, 13.0, 14.5, 48.0]
    let step = zip(
      Gen.double(in: -0.5...3.0), Gen.int(in: 0...3), Gen.double(in: -0.15...0.15), Gen.double(in: 15...30),
      Gen.int(in: 0...9)
    ).map {
      Step(dt: $0.0 < 0.3 ? $0.0 : $0.0 / 10, objectC: $0.3 + levels[$0.1] + $0.2, ambientC: $0.3, flagged: $0.4 == 0)
    }
    await propertyCheck(count: 300, input: step.array(of: 0...300)) { steps in
      var detector = ScreeningDetector()
      let configuration = detector.configuration
      var time = 0.0
      var passesStarted = 0
      var screenings = 0
      for step in steps {
        time += step.dt
        let wasPresent = detector.isSubjectPresent
        let sample = Sample(time: time, objectC: step.objectC, ambientC: step.ambientC, sensorError: step.flagged)
        for event in detector.feed(sample) {
          if case .screening(let screening) = event {
            screenings += 1
            #expect(screening.sampleCount >= configuration.minimumBurstSamples)
            #expect(screening.spreadC <= configuration.maximumSpreadC + 1e-9)
            #expect(screening.rawObjectC - screening.ambientC >= configuration.departureMarginC)
            #expect(screening.time == sample.time)
          }
        }
        if !wasPresent && detector.isSubjectPresent { passesStarted += 1 }
      }
      // A screening needs a pass of its own: never more screenings than passes begun.
      #expect(screenings <= passesStarted)
    }
  }

  @Test func noScreeningWithoutAStableBurst() async {
    // Every consecutive pair of readings differs by more than the spread limit.
    let jumps = Gen.double(in: 0.25...2.0).array(of: 1...200)
    await propertyCheck(count: 200, input: jumps, Gen.bool) { jumps, upward in
      var detector = ScreeningDetector()
      var objectC = 33.0
      var time = 0.0
      for (index, jump) in jumps.enumerated() {
        objectC += (upward != (index % 2 == 0)) ? jump : -jump
        objectC = min(max(objectC, 30), 45)
        time += 0.05
        for event in detector.feed(Sample(time: time, objectC: objectC, ambientC: 22)) {
          #expect(event.screening == nil, "screening formed from an unstable stream")
        }
        if objectC == 30 || objectC == 45 { objectC = 37 }
      }
    }
  }

  @Test func oneScreeningPerSubjectPass() async {
    let passes = zip(Gen.double(in: 33...41), Gen.int(in: 3...40), Gen.int(in: 2...10)).array(of: 1...20)
    await propertyCheck(count: 200, input: passes, Gen.int(in: 5...50)) { passes, rate in
      var stream = StreamBuilder()
      stream.rate = Double(rate)
      for (objectC, hold, idle) in passes {
        stream.idle(idle)
        stream.hold(hold, at: objectC, jitter: 0.05)
      }
      stream.idle(3)
      var detector = ScreeningDetector()
      let screenings = detector.run(stream.samples).compactMap(\.screening)
      #expect(screenings.count == passes.count)
      for (screening, pass) in zip(screenings, passes) {
        #expect(abs(screening.rawObjectC - pass.0) <= 0.05 + 1e-9)
      }
    }
  }

  @Test func shuffledTimesNeverLoopOrCrash() async {
    await propertyCheck(count: 200, input: Gen.double(in: 0...100).array(of: 0...200)) { times in
      var detector = ScreeningDetector()
      var accepted = 0
      var latest = -Double.infinity
      for time in times {
        _ = detector.feed(Sample(time: time, objectC: 35.5, ambientC: 22))
        if time >= latest {
          accepted += 1
          latest = time
        }
      }
      #expect(detector.outOfOrderSamples == times.count - accepted)
    }
  }
}
