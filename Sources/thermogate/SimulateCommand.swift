import ArgumentParser
import Foundation
import ThermoDevices
import ThermoSimulation

struct SimulateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "simulate",
    abstract: "Run a simulated thermometer: a serial one on a pseudo-terminal, a USB one into a VM.",
    discussion: """
      Starts a device simulator that speaks the real protocol byte for byte, with simulated \
      people walking past. Serial kinds (pyrousb, optris) sit behind a pty whose path is the \
      first line of standard output: read it with `thermogate read KIND:PATH`. USB kinds \
      (mcp2221 or cp2112 with an MLX90614 behind it, temper, relay) need --usbredir SOCKET: they connect to a \
      QEMU `usb-redir` chardev and enumerate in the guest as the real part (the HIL rig, \
      hil/README.md); ending the simulator unplugs the device. In-process USB simulation needs \
      no simulator: use the address sim:mlx90614. Runs until --duration ends or it is \
      interrupted.
      """
  )

  enum Kind: String, ExpressibleByArgument, CaseIterable {
    case pyrousb, optris, mcp2221, cp2112, temper, relay

    var isUSB: Bool { ![.pyrousb, .optris].contains(self) }
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

  @Option(
    help: ArgumentHelp(
      "USB kinds: the QEMU usb-redir chardev socket to connect to (the device is plugged while connected).",
      valueName: "SOCKET"))
  var usbredir: String?

  @Option(help: "USB kinds: the device's serial number (iSerial).")
  var serial: String?

  @Option(help: "relay: the number of channels (1, 2, 4 or 8).")
  var channels = 2

  @Option(help: "Room temperature in °C (what the sensor head reads; default 22).")
  var room: Double?

  @Flag(help: "USB kinds: print every request the host makes.")
  var verbose = false

  func validate() throws {
    if kind.isUSB, usbredir == nil {
      throw ValidationError("\(kind.rawValue) is a USB device: give --usbredir SOCKET (a QEMU usb-redir chardev)")
    }
    if !kind.isUSB, usbredir != nil {
      throw ValidationError("--usbredir is for USB kinds (mcp2221, cp2112, temper, relay)")
    }
    guard [1, 2, 4, 8].contains(channels) else { throw ValidationError("--channels must be 1, 2, 4 or 8") }
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
    if let room { settings.roomC = room }
    let scene = EntranceScene(seed: seed, settings: settings)
    let started = ContinuousClock.now
    let clock: @Sendable () -> Double = {
      let elapsed = ContinuousClock.now - started
      return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    switch kind {
    case .mcp2221:
      let sensor = MLX90614Model(objectC: 20, ambientC: 20)
      let device = SceneDrivenDevice(device: MCP2221Model(sensor: sensor), scene: scene, clock: clock)
      try serveUSB(USBRedirDevice(layout: .mcp2221a(serial: serial ?? "0001234567"), function: .interrupt(device)))
    case .cp2112:
      let sensor = MLX90614Model(objectC: 20, ambientC: 20)
      let device = SceneDrivenDevice(device: CP2112Model(sensor: sensor), scene: scene, clock: clock)
      try serveUSB(USBRedirDevice(layout: .cp2112(serial: serial ?? "0001A2B3"), function: .interrupt(device)))
    case .temper:
      // An ambient reference: it reads the room (--room), not the people.
      let model = TEMPerModel(firmwareIdentifier: "TEMPerGold_V3.1 ", internalC: room ?? 22)
      try serveUSB(USBRedirDevice(layout: .temperGold(), function: .interrupt(model)))
    case .relay:
      let model = USBRelayModel(serial: serial ?? "HIL01", channelCount: channels)
      try serveUSB(USBRedirDevice(layout: .usbRelay(channels: channels), function: .control(model)))
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

  private func serveUSB(_ device: USBRedirDevice) throws {
    guard let usbredir else { return }
    var device = device
    device.keepsTrace = verbose
    let link = USBRedirLink(device: device)
    var standardError = StandardError()
    try link.connect(path: usbredir, timeout: 10)
    print("\(kind.rawValue) on \(usbredir): plugged in", to: &standardError)
    if duration > 0 {
      Thread.detachNewThread { [duration] in
        Thread.sleep(forTimeInterval: duration)
        link.stop()
      }
    }
    var relayState: String?
    try link.serve(
      onEvent: { line in
        var standardError = StandardError()
        print(line, to: &standardError)
      },
      afterEachPacket: { device in
        // The relay board's latch as the host left it: the HIL harness reads it back here.
        guard case .control(let model as USBRelayModel) = device.function else { return }
        let state = (1...model.channelCount).map { "\($0)=\(model.isOn($0) ? "on" : "off")" }.joined(separator: " ")
        if state != relayState {
          relayState = state
          var standardError = StandardError()
          print("relay state: \(state)", to: &standardError)
        }
      })
    print("\(kind.rawValue) on \(usbredir): unplugged", to: &standardError)
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
