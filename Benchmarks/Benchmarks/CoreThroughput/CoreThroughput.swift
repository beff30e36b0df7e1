import Benchmark
import ThermoCore

// One benchmark iteration pushes one million samples of a six-entrance stream through the
// core; with `scalingFactor: .mega` and `--scale` the tables read per sample: time in ns per
// sample, throughput in samples per second, mallocs per sample. Each iteration starts fresh
// pipelines, warms them on the first `warmUpSamples` and measures the million that follow, so
// time always moves forward (a replayed stream would be dropped as out of order and flatter
// the figures).
let samplesPerIteration = 1_000_000
let warmUpSamples = 120_000
nonisolated(unsafe) let stream = Array(
  SyntheticStream.make(samplesPerEntrance: (warmUpSamples + samplesPerIteration) / SyntheticStream.entrances + 1)
    .prefix(warmUpSamples + samplesPerIteration))

func makePipelines() -> [EntrancePipeline] {
  (0..<SyntheticStream.entrances).map { index in
    EntrancePipeline(
      configuration: EntranceConfiguration(
        calibration: DeviceCalibration(id: "bench-\(index)", offsetC: 0.1, gain: 1.002)))
  }
}

/// The same per-sample arithmetic with no state machine: presence test, calibration, body
/// model and threshold compare. What the core costs beyond this is the price of its rules.
@inline(__always)
func referenceLoop(_ samples: [Sample], _ range: Range<Int>) -> Double {
  let calibration = DeviceCalibration(id: "ref", offsetC: 0.1, gain: 1.002)
  let model = BodyModel.foreheadMaxV1
  return samples.withUnsafeBufferPointer { samples in
    var alarms = 0.0
    for index in range where samples[index].objectC - samples[index].ambientC >= 2 {
      let sample = samples[index]
      let skin = calibration.corrected(sample.objectC)
      let body = model.bodyEstimate(skinC: skin, ambientC: sample.ambientC)
      if body >= 37.3 { alarms += 1 } else { alarms += body * 1e-9 }
    }
    return alarms
  }
}

/// Feeds `samples[range]` to the entrance pipelines in turn. The pipelines are reached through
/// one buffer pointer so the loop measures the core, not the array's per-access uniqueness check.
@inline(__always)
func coreLoop(_ samples: [Sample], _ range: Range<Int>, _ pipelines: inout [EntrancePipeline]) -> Int {
  pipelines.withUnsafeMutableBufferPointer { entrancePipelines in
    samples.withUnsafeBufferPointer { samples in
      var decisions = 0
      var entrance = range.lowerBound % entrancePipelines.count
      for index in range {
        if entrancePipelines[entrance].ingest(samples[index]) {
          while let decision = entrancePipelines[entrance].nextDecision() {
            if decision.screeningClass != .noSubject { decisions += 1 }
          }
        }
        entrance += 1
        if entrance == entrancePipelines.count { entrance = 0 }
      }
      return decisions
    }
  }
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    warmupIterations: 1,
    scalingFactor: .mega,
    maxDuration: .seconds(10),
    maxIterations: 30
  )

  // Each iteration feeds one million samples (`scaledIterations`), so scaled figures are per sample.
  Benchmark("core: detector + calibration + body model + classifier, 6 entrances") { benchmark in
    // One unmeasured pass first, so that what is counted is the steady state.
    var pipelines = makePipelines()
    blackHole(coreLoop(stream, 0..<warmUpSamples, &pipelines))
    let measured = warmUpSamples..<(warmUpSamples + benchmark.scaledIterations.count)
    benchmark.startMeasurement()
    let decided = coreLoop(stream, measured, &pipelines)
    benchmark.stopMeasurement()
    // About one person per 75 samples: the measured stretch must really have screened people.
    precondition(decided > measured.count / 200, "only \(decided) decisions in \(measured.count) samples")
    let dropped = pipelines.reduce(0) { $0 + $1.detector.outOfOrderSamples }
    precondition(dropped == 0, "the benchmark stream went back in time: \(dropped) samples dropped")
  }

  Benchmark("reference: the same arithmetic in a plain loop") { benchmark in
    blackHole(referenceLoop(stream, 0..<warmUpSamples))
    let measured = warmUpSamples..<(warmUpSamples + benchmark.scaledIterations.count)
    benchmark.startMeasurement()
    blackHole(referenceLoop(stream, measured))
    benchmark.stopMeasurement()
  }
}
