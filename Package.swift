// swift-tools-version:6.1
import PackageDescription

let strictSwift6: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "thermogate",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "thermogate", targets: ["thermogate"]),
    .library(name: "ThermoCore", targets: ["ThermoCore"]),
    .library(name: "ThermoGateway", targets: ["ThermoGateway"]),
    .library(name: "ThermoStore", targets: ["ThermoStore"]),
    .library(name: "ThermoDaemon", targets: ["ThermoDaemon"]),
    .library(name: "ThermoDevices", targets: ["ThermoDevices"]),
    .library(name: "ThermoSimulation", targets: ["ThermoSimulation"]),
    .library(name: "ThermoDispatch", targets: ["ThermoDispatch"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
  ],
  targets: [
    // C libraries, wrapped once; their Swift owners live in the driver layer (ThermoDevices).
    .systemLibrary(
      name: "CLibUSB",
      pkgConfig: "libusb-1.0",
      providers: [.apt(["libusb-1.0-0-dev"])]
    ),
    .systemLibrary(
      name: "CUdev",
      pkgConfig: "libudev",
      providers: [.apt(["libudev-dev"])]
    ),
    .systemLibrary(
      name: "CMosquitto",
      pkgConfig: "libmosquitto",
      providers: [.apt(["libmosquitto-dev"])]
    ),
    // The pure screening core: Swift standard library only, no clock, no I/O.
    .target(name: "ThermoCore", swiftSettings: strictSwift6),
    // The driver layer: transports (libusb, libudev, termios), device protocols, discovery.
    // The only place C pointers live.
    .target(
      name: "ThermoDevices",
      dependencies: [
        "ThermoCore", "CLibUSB", "CUdev", "CMosquitto", .product(name: "SystemPackage", package: "swift-system"),
      ],
      swiftSettings: strictSwift6
    ),
    // The store: one SQLite database (WAL, synchronous=FULL) holding the alert outbox, the
    // screening register, the calibration log and silences.
    .target(
      name: "ThermoStore",
      dependencies: [
        "ThermoCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: strictSwift6
    ),
    // The dispatcher: routing, retries, repeats and escalation over the store's outbox; the sinks.
    .target(
      name: "ThermoDispatch",
      dependencies: [
        "ThermoCore", "ThermoStore", .product(name: "Logging", package: "swift-log"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"), "ThermoDevices",
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ],
      swiftSettings: strictSwift6
    ),
    // Device models: the device side of the same bytes, for tests and the demo.
    .target(name: "ThermoSimulation", dependencies: ["ThermoCore", "ThermoDevices"], swiftSettings: strictSwift6),
    // The configuration file: YAML read with every problem at file:line:column.
    .target(
      name: "ThermoConfiguration",
      dependencies: [
        "ThermoCore", "ThermoDevices", "ThermoStore", "ThermoDispatch", .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: strictSwift6
    ),
    // The daemon's services: one per entrance (device thread, monitor), the gate relays, the
    // status board, the dispatcher as a service; one injected clock.
    .target(
      name: "ThermoDaemon",
      dependencies: [
        "ThermoCore", "ThermoDevices", "ThermoStore", "ThermoDispatch", "ThermoConfiguration",
        .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSwift6
    ),
    // The HTTP API and the duty office's dashboard (assets compiled in).
    .target(
      name: "ThermoHTTP",
      dependencies: [
        "ThermoCore", "ThermoStore", "ThermoDispatch", "ThermoConfiguration", "ThermoDaemon",
        .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ],
      resources: [
        .embedInCode("Dashboard/Assets/index.html"), .embedInCode("Dashboard/Assets/dashboard.css"),
        .embedInCode("Dashboard/Assets/dashboard.js"), .embedInCode("Dashboard/Assets/favicon.svg"),
        .embedInCode("Dashboard/Assets/secondary.html"), .embedInCode("Dashboard/Assets/secondary.css"),
        .embedInCode("Dashboard/Assets/secondary.js"), .embedInCode("Dashboard/Assets/common.js"),
      ],
      swiftSettings: strictSwift6
    ),
    // The composition root: configuration, store, dispatcher, entrances and HTTP in one service
    // group; signals, reload. Knows no simulator: devices are injected.
    .target(
      name: "ThermoGateway",
      dependencies: [
        "ThermoCore", "ThermoDevices", "ThermoStore", "ThermoDispatch", "ThermoConfiguration", "ThermoDaemon",
        "ThermoHTTP", .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
      ],
      swiftSettings: strictSwift6
    ),
    // Offline tools: classify, cohort files, the shift report, register export, reachability.
    .target(
      name: "ThermoTools",
      dependencies: ["ThermoCore", "ThermoStore", "ThermoConfiguration", "ThermoDevices"],
      swiftSettings: strictSwift6
    ),
    // The demo's wiring: six simulated entrances on the real daemon, through the device protocols.
    .target(
      name: "ThermoDemo",
      dependencies: [
        "ThermoCore", "ThermoDevices", "ThermoStore", "ThermoSimulation", "ThermoConfiguration", "ThermoDaemon",
      ],
      swiftSettings: strictSwift6
    ),
    .executableTarget(
      name: "thermogate",
      dependencies: [
        "ThermoCore", "ThermoDevices", "ThermoStore", "ThermoDispatch", "ThermoConfiguration", "ThermoDaemon",
        "ThermoHTTP", "ThermoGateway", "ThermoTools", "ThermoSimulation", "ThermoDemo",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoCoreTests",
      dependencies: [
        "ThermoCore", .product(name: "PropertyBased", package: "swift-property-based"),
      ],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoDevicesTests",
      dependencies: [
        "ThermoDevices", "ThermoSimulation", "CLibUSB", .product(name: "SystemPackage", package: "swift-system"),
      ],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoSimulationTests",
      dependencies: ["ThermoSimulation", "ThermoDevices", "ThermoCore"],
      swiftSettings: strictSwift6
    ),
    // Helpers the system-level suites share (child processes with a clean signal mask).
    .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSwift6),
    .testTarget(
      name: "ThermoStoreTests",
      dependencies: ["ThermoStore", "ThermoCore", .product(name: "GRDB", package: "GRDB.swift")],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoDispatchTests",
      dependencies: [
        "ThermoDispatch", "ThermoStore", "ThermoDevices", "ThermoCore", "TestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
      ],
      // The SMTP test server's script, run from the source tree.
      exclude: ["Fixtures"],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoConfigurationTests",
      dependencies: ["ThermoConfiguration", "ThermoCore", "ThermoDevices", "ThermoStore", "ThermoDispatch"],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoDaemonTests",
      dependencies: [
        "ThermoDaemon", "ThermoCore", "ThermoDevices", "ThermoStore", "ThermoDispatch", "ThermoConfiguration",
        "ThermoSimulation",
      ],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoHTTPTests",
      dependencies: [
        "ThermoHTTP", "ThermoSimulation", .product(name: "HummingbirdTesting", package: "hummingbird"),
      ],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "ThermoToolsTests",
      dependencies: ["ThermoTools", "ThermoCore", "ThermoStore", "ThermoConfiguration"],
      resources: [.copy("Fixtures")],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "thermogateTests",
      dependencies: [
        "thermogate", "TestSupport", "ThermoGateway", "ThermoDispatch", "ThermoDevices", "ThermoStore",
        "ThermoConfiguration",
        "ThermoDaemon", "ThermoHTTP", "ThermoTools", "ThermoCore", .product(name: "GRDB", package: "GRDB.swift"),
      ],
      swiftSettings: strictSwift6
    ),
    .testTarget(
      name: "SystemLibraryTests",
      dependencies: ["CLibUSB", "CUdev"],
      swiftSettings: strictSwift6
    ),
  ]
)
