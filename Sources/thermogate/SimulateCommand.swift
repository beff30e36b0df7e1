import ArgumentParser
import Foundation
import ThermoDevices
import ThermoSimulation

struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Run a simulated serial thermometer on a pseudo-terminal.",
    discussion: """
      Starts a device simulator that speaks the real protocol byte for byte behind a pty, with \
      simulated people walking past, and prints the pty's path on the first line of standard \
      output. Read it with `thermogate read KIND:PATH`. Runs until --duration ends or it is \
      interrupted. (USB HID devices are simulated in-process: use the address sim:mlx90614.)
      """
  )

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case pyrousb, optris
  }

  enum Fault: String, ExpressibleByArgument, CaseIterable {
    /// No fault.
    case none
    /// Random bytes on the line every few seconds (a noisy cable).
    case garbage
    /// The device stops answering for a while, then answers again (a stall).
    case stall
    /// Replies with a wrong checksum (PyroUSB's CRC-16; Optris replies carry none).
    case checksum
    /// The sensor reports a measurement error.
    case sensorError = "sensor-error"
    /// After a few seconds the reading freezes, bit for bit (a stuck sensor).
    case stuck
  }

  @Argument(help: "The device to simulate: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: Kind

  @Option(help: "Seed of the simulated people (the same seed replays the same people).")
  var seed: UInt64 = 1

  @Option(help: "People per minute.")
  var arrivalsPerMinute = 4.0

  @Option(help: "Share of febrile people, 0–1.")
  var febrileShare = 0.05

  @Option(help: "Optris head family: cs (plain SET commands) or ct (checksummed SET commands).")
  var family = "cs"

  @Option(help: "Fault to inject: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")).")
  var fault: Fault = .none

  @Option(help: "Seconds to run; 0 runs until interrupted.")
  var duration = 0.0

  @Option(
    help: ArgumentHelp(
      "Also make PATH a symbolic link to the pty (as udev makes /dev/serial/by-id links), replacing one left there.",
      valueName: "PATH"))
  var link: String?

  func validate() throws {
    guard (0...1).contains(febrileShare) else { throw ValidationError("--febrile-share must be between 0 and 1") }
    guard arrivalsPerMinute > 0 else { throw ValidationError("--arrivals-per-minute must be positive") }
    guard family == "cs" || family == "ct" else { throw ValidationError("--family must be cs or ct") }
    if kind == .optris && [.checksum, .sensorError].contains(fault) {
      throw ValidationError(
        "--fault \(fault.rawValue): the Optris protocol has no reply checksum or error flag; use garbage or stall")
    }
  }

  func run() throws {
    var settings = EntranceScene.Settings()
    settings.arrivalsPerMinute = arrivalsPerMinute
    settings.febrileShare = febrileShare
    let scene = EntranceScene(seed: seed, settings: settings)
    let started = ContinuousClock.now
    let clock: @Sendable () -> Double = {
      let elapsed = ContinuousClock.now - started
      return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    switch kind {
    case .pyrousb:
      var model = PyroUSBModel(objectC: 20, sensorC: 20)
      model.corruptsCRC = fault == .checksum
      model.measurementError = fault == .sensorError
      // The PyroUSB answers about 20 ms after a request (reference §6).
      try serve(
        SceneDrivenDevice(device: model, scene: scene, clock: clock), address: "pyrousb", replyDelay: .milliseconds(20))
    case .optris:
      var model = OptrisModel(targetC: 20, headC: 20)
      model.requiresChecksum = family == "ct"
      try serve(
        SceneDrivenDevice(device: model, scene: scene, clock: clock),
        address: "optris", options: family == "ct" ? "?family=ct" : "")
    }
  }

  private func serve<Device: ThermometerModel & ByteStreamDeviceModel>(
    _ model: SceneDrivenDevice<Device>, address: String, options: String = "", replyDelay: Duration = .zero
  ) throws {
    let host = try PtyDeviceHost(model: model, replyDelay: replyDelay)
    if let link {
      try? FileManager.default.removeItem(atPath: link)
      try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: host.path)
    }
    defer { if let link { try? FileManager.default.removeItem(atPath: link) } }
    // Unbuffered: whoever started us reads the path before we exit.
    FileHandle.standardOutput.write(Data((host.path + "\n").utf8))
    var standardError = StandardError()
    print(
      "\(kind.rawValue) simulator on \(host.path); read it with: thermogate read \(address):\(host.path)\(options)",
      to: &standardError)
    let end = duration > 0 ? Date().addingTimeInterval(duration) : Date.distantFuture
    var random = SeededRandom(seed: seed ^ 0xFA17)
    var nextFault = Date().addingTimeInterval(3)
    while Date() < end {
      Thread.sleep(forTimeInterval: 0.1)
      guard Date() >= nextFault else { continue }
      nextFault = Date().addingTimeInterval(3)
      switch fault {
      case .garbage:
        host.inject((0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
      case .stall: host.setMuted(!host.isMuted)
      case .stuck: host.update { $0.freezesReadings = true }
      default: break
      }
    }
    host.stop()
  }
}
