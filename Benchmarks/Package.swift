// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that the main build and `make test` never compile
// the benchmark harness. Run with `make bench`.
let package = Package(
  name: "thermogate-benchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
  ],
  targets: [
    // A plain program, not a harness benchmark: it is run twice, once under strace with the
    // store's fsync made slow (`make bench-access`).
    .executableTarget(
      name: "AccessLatency",
      dependencies: [
        .product(name: "ThermoDaemon", package: "main"),
        .product(name: "ThermoDispatch", package: "main"),
        .product(name: "ThermoStore", package: "main"),
        .product(name: "ThermoDevices", package: "main"),
        .product(name: "ThermoCore", package: "main"),
      ],
      path: "Benchmarks/AccessLatency",
      swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")]
    ),
    .executableTarget(
      name: "CoreThroughput",
      dependencies: [
        .product(name: "ThermoCore", package: "main"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/CoreThroughput",
      swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")],
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "DriverThroughput",
      dependencies: [
        .product(name: "ThermoDevices", package: "main"),
        .product(name: "ThermoSimulation", package: "main"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/DriverThroughput",
      swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")],
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    .executableTarget(
      name: "DispatchThroughput",
      dependencies: [
        .product(name: "ThermoDispatch", package: "main"),
        .product(name: "ThermoStore", package: "main"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/DispatchThroughput",
      swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")],
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
  ]
)
