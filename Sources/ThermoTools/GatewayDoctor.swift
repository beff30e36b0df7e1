import Foundation
import ThermoConfiguration
import ThermoDevices
import ThermoStore

/// One result of `thermogate doctor`: passed, worth knowing, or failed with how to fix it.
public enum DoctorFinding: Sendable, Equatable {
  case ok(String)
  case note(String)
  case fail(String, fix: String)
}

/// What `thermogate doctor` checks on a gate box: the configuration, the database, the udev rules
/// and groups, every configured device (opened and read once; relays opened; badge nodes
/// readable), and that brokers and webhook hosts accept connections (nothing is sent).
public struct GatewayDoctor {
  public let configurationPath: String
  public let udevRules: String
  /// How thermometers are opened here (the CLI lets `sim:` addresses run on models).
  public let thermometers: (USBContext?) -> any ThermometerOpening

  public init(
    configurationPath: String, udevRules: String, thermometers: @escaping (USBContext?) -> any ThermometerOpening
  ) {
    self.configurationPath = configurationPath
    self.udevRules = udevRules
    self.thermometers = thermometers
  }

  /// Every finding, in the order checked; a configuration that cannot be read ends the checks.
  public func run() -> [DoctorFinding] {
    var report: [DoctorFinding] = []
    let configuration: GatewayConfiguration
    do {
      configuration = try GatewayConfiguration.load(path: configurationPath)
      report.append(
        .ok("configuration \(configurationPath) is valid (\(configuration.entrances.count) entrance(s))"))
    } catch {
      for problem in error.problems { report.append(.fail(problem.description, fix: "edit \(configurationPath)")) }
      return report
    }
    if let gaps = configuration.onCall?.gapWarning { report.append(.note("on-call roster: \(gaps)")) }
    checkDatabase(configuration, &report)
    checkAccess(configuration, &report)
    checkDevices(configuration, &report)
    checkNetwork(configuration, &report)
    return report
  }

  private func checkDatabase(_ configuration: GatewayConfiguration, _ report: inout [DoctorFinding]) {
    let directory = (configuration.databasePath as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      let probe = directory + "/.doctor-\(ProcessInfo.processInfo.processIdentifier)"
      guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
        report.append(
          .fail(
            "cannot write in \(directory)",
            fix: "chown thermogate:thermogate \(directory) (the unit's StateDirectory= does this)"))
        return
      }
      try? FileManager.default.removeItem(atPath: probe)
      let store = try AlertStore(path: configuration.databasePath)
      let depth = try store.queueDepth()
      report.append(.ok("database \(configuration.databasePath) is writable (\(depth.pending) pending deliveries)"))
    } catch {
      report.append(
        .fail("database \(configuration.databasePath): \(error)", fix: "check the path, its owner and free space"))
    }
  }

  private func checkAccess(_ configuration: GatewayConfiguration, _ report: inout [DoctorFinding]) {
    let usesHardware = configuration.entrances.contains { $0.thermometer.driver != .sim }
    if FileManager.default.fileExists(atPath: udevRules) {
      report.append(.ok("udev rules installed at \(udevRules)"))
    } else if usesHardware {
      report.append(.fail("no udev rules at \(udevRules)", fix: "make install-udev (then replug the devices)"))
    } else {
      report.append(.note("no udev rules at \(udevRules) (only simulated devices configured)"))
    }
    if ProcessIdentity.isRoot {
      report.append(.note("running as root: the daemon runs as user thermogate under systemd; check as that user too"))
    } else {
      if ProcessIdentity.groupNames.contains("thermogate") {
        report.append(.ok("this user is in group thermogate"))
      } else if usesHardware {
        report.append(
          .fail(
            "this user is not in group thermogate",
            fix: "sudo usermod -aG thermogate \(ProcessIdentity.userName), then log in again"))
      }
    }
  }

  private func checkDevices(_ configuration: GatewayConfiguration, _ report: inout [DoctorFinding]) {
    let needsUSB = configuration.needsUSB
    let usb = needsUSB ? try? USBContext() : nil
    if needsUSB, usb == nil {
      report.append(
        .fail(
          "libusb cannot start (no USB subsystem?)", fix: "check that /dev/bus/usb exists and libusb-1.0 is installed"))
    }
    let opener = thermometers(usb)
    for entrance in configuration.entrances {
      for (role, address) in [("thermometer", entrance.thermometer), ("ambient reference", entrance.ambientReference)] {
        guard let address else { continue }
        do {
          var thermometer = try opener.openThermometer(address)
          let sample = try thermometer.sample(at: Date().timeIntervalSince1970)
          report.append(
            .ok(
              String(
                format: "%@ %@ %@ reads %.2f °C (ambient %.2f °C)", entrance.name, role, address.description,
                sample.objectC, sample.ambientC)))
        } catch {
          report.append(
            .fail(
              "\(entrance.name) \(role) \(address): \(error.kind.rawValue): \(error.message)", fix: Self.fix(error.kind)
            ))
        }
      }
      if let gate = entrance.gate, gate.driver == .relay {
        if let usb {
          do {
            var board = try GateRelayOpener.open(gate, usb: usb)
            _ = try board.state()
            report.append(.ok("\(entrance.name) gate relay \(gate) answers"))
          } catch {
            report.append(
              .fail(
                "\(entrance.name) gate relay \(gate): \(error)",
                fix: "check the board's ID (thermogate devices) and its USB cable"))
          }
        }
      }
      if case .evdev(let path) = entrance.badge {
        if ProcessIdentity.canRead(path) {
          report.append(.ok("\(entrance.name) badge reader \(path) is readable"))
        } else {
          let missing = !FileManager.default.fileExists(atPath: path)
          report.append(
            .fail(
              "\(entrance.name) badge reader \(path) is \(missing ? "not there" : "not readable")",
              fix: missing ? "plug it in; ls /dev/input/by-id/ shows its name" : "add the user to group input"))
        }
      }
    }
  }

  public static func fix(_ kind: DeviceFault.Kind) -> String {
    switch kind {
    case .disconnected: "plug it in, or correct its address (thermogate devices lists what is attached)"
    case .access: "make install-udev and add the user to group thermogate"
    case .busy: "stop whatever holds it (a running daemon, a kernel driver: see hardware-notes.md)"
    case .timeout: "check the cable and the head's power; the device does not answer"
    case .protocolError: "check the address's driver and options (family, baud, SMBus address)"
    case .io: "check dmesg for USB or serial errors"
    }
  }

  private func checkNetwork(_ configuration: GatewayConfiguration, _ report: inout [DoctorFinding]) {
    for sink in configuration.sinks {
      switch sink.kind {
      case .mqtt(let host, let port, _, _, _):
        switch Reachability.tcp(host: host, port: port) {
        case .success: report.append(.ok("sink \(sink.name): MQTT broker \(host):\(port) accepts connections"))
        case .failure(let error):
          report.append(
            .fail(
              "sink \(sink.name): MQTT broker \(error.message)",
              fix: "start the broker or correct host/port; alerts wait in the store meanwhile"))
        }
      case .webhook(let url, _, _):
        guard let parsed = URL(string: url), let host = parsed.host else { continue }
        let port = parsed.port ?? (parsed.scheme == "https" ? 443 : 80)
        switch Reachability.tcp(host: host, port: port) {
        case .success: report.append(.ok("sink \(sink.name): webhook host \(host):\(port) accepts connections"))
        case .failure(let error):
          report.append(
            .fail(
              "sink \(sink.name): webhook \(error.message)",
              fix: "check the URL and the network route; alerts wait in the store meanwhile"))
        }
      case .log, .gate, .email, .dingtalk, .wecom, .feishu:
        continue
      }
    }
  }
}
