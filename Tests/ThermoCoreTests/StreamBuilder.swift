import ThermoCore

/// Builds sample streams for tests: a subject pass is "approach, hold, leave" at a fixed rate.
struct StreamBuilder {
  var time: Seconds = 0
  var rate: Double = 10
  var ambientC: Celsius = 22
  var samples: [Sample] = []

  var period: Seconds { 1 / rate }

  mutating func idle(_ count: Int, objectC: Celsius? = nil) {
    for index in 0..<count {
      // A little noise so the stuck-sensor rule never sees an empty room as frozen.
      append(objectC ?? ambientC + 0.3 + Double(index % 3) * 0.02)
    }
  }

  mutating func hold(_ count: Int, at objectC: Celsius, jitter: Celsius = 0.04) {
    for index in 0..<count {
      append(objectC + (index % 2 == 0 ? 0 : jitter))
    }
  }

  mutating func append(_ objectC: Celsius, sensorError: Bool = false) {
    samples.append(Sample(time: time, objectC: objectC, ambientC: ambientC, sensorError: sensorError))
    time += period
  }

  /// A complete pass: empty room, subject at `objectC`, empty room again.
  mutating func pass(at objectC: Celsius, holdSamples: Int = 8) {
    idle(3)
    hold(holdSamples, at: objectC)
    idle(3)
  }
}

extension ScreeningDetector {
  /// Every event one sample produces.
  mutating func feed(_ sample: Sample) -> [DetectorEvent] {
    var events: [DetectorEvent] = []
    if ingest(sample) {
      while let event = nextEvent() { events.append(event) }
    }
    return events
  }

  mutating func run(_ samples: [Sample]) -> [DetectorEvent] {
    samples.flatMap { feed($0) }
  }
}

extension EntrancePipeline {
  mutating func run(_ samples: [Sample]) -> [Decision] {
    var decisions: [Decision] = []
    for sample in samples where ingest(sample) {
      while let decision = nextDecision() { decisions.append(decision) }
    }
    return decisions
  }
}

extension DetectorEvent {
  var screening: Screening? {
    if case .screening(let screening) = self { return screening }
    return nil
  }
}
