import Benchmark
import ThermoDevices
import ThermoSimulation

// The MCP2221 + MLX90614 read path end to end (driver state machine, report building, PEC,
// the simulated chip answering), on two clocks:
// - CPU: wall-clock time per sample on this machine, beside the bare report exchange;
// - USB: simulated full-speed frames (1 ms, bInterval 1), where every OUT report waits for the
//   next frame and every IN report for the one after. The custom metrics report samples and
//   word reads per second of bus time and report exchanges per word: the budget a real bridge
//   allows.
let samplesPerIteration = 10_000

func makeThermometer() -> MLX90614Thermometer<
  MCP2221Bridge<FrameClockedTransport<SimulatedReportTransport<MCP2221Model>>>
> {
  MLX90614Thermometer(
    bridge: MCP2221Bridge(
      transport: FrameClockedTransport(
        SimulatedReportTransport(model: MCP2221Model(sensor: MLX90614Model(objectC: 36.6, ambientC: 22.4))))))
}

let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput],
    warmupIterations: 1,
    scalingFactor: .kilo,
    maxDuration: .seconds(10),
    maxIterations: 30
  )

  Benchmark(
    "driver: MCP2221 + MLX90614 sample (2 word reads) against the simulated chip",
    configuration: .init(
      metrics: [
        .wallClock, .throughput,
        .custom("samples per bus second (1 ms frames)", polarity: .prefersLarger, useScalingFactor: false),
        .custom("word reads per bus second (1 ms frames)", polarity: .prefersLarger, useScalingFactor: false),
        .custom("report exchanges (OUT + IN) per word read", useScalingFactor: false),
        .custom("IN polls per word read", useScalingFactor: false),
      ])
  ) { benchmark in
    var thermometer = makeThermometer()
    _ = try thermometer.readSample(at: 0)
    let start = thermometer.bridge.transport
    benchmark.startMeasurement()
    for index in benchmark.scaledIterations {
      blackHole(try thermometer.readSample(at: Double(index)))
    }
    benchmark.stopMeasurement()
    let end = thermometer.bridge.transport
    let samples = benchmark.scaledIterations.count
    let busSeconds = (end.milliseconds - start.milliseconds) / 1000
    benchmark.measurement(.custom("samples per bus second (1 ms frames)"), Int(Double(samples) / busSeconds))
    benchmark.measurement(.custom("word reads per bus second (1 ms frames)"), Int(Double(2 * samples) / busSeconds))
    benchmark.measurement(
      .custom("report exchanges (OUT + IN) per word read"), (end.outTransfers - start.outTransfers) / (2 * samples))
    benchmark.measurement(.custom("IN polls per word read"), (end.inTransfers - start.inTransfers) / (2 * samples))
  }

  // The floor: the same eight report exchanges per sample with no driver logic, answered by the
  // same simulated chip, to show what the driver's state machines add.
  Benchmark("reference: 8 bare report exchanges per sample against the simulated chip") { benchmark in
    var transport = SimulatedReportTransport(
      model: MCP2221Model(sensor: MLX90614Model(objectC: 36.6, ambientC: 22.4)))
    let requests = [
      MCP2221Report.transfer(.writeDataNoStop, length: 1, addressByte: 0xB4, data: [0x07]),
      MCP2221Report.transfer(.readDataRepeatedStart, length: 3, addressByte: 0xB5),
      MCP2221Report.make(.getData),
      MCP2221Report.status,
    ]
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
      for _ in 0..<2 {
        for request in requests { blackHole(try transport.exchange(request, timeout: .milliseconds(250))) }
      }
    }
  }
}
