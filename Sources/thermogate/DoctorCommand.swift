import ArgumentParser
import Foundation
import ThermoConfiguration
import ThermoDevices
import ThermoDispatch
import ThermoGateway
import ThermoSimulation
import ThermoStore
import ThermoTools

struct DoctorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doctor",
    abstract: "Check that this box can run the gateway, and say how to fix what cannot.",
    discussion: """
      Checks the configuration, the database (writable), the udev rules, the thermogate group, \
      every configured device (opened and read once; relays opened; badge nodes readable), and \
      that MQTT brokers and webhook hosts accept connections (nothing is sent). Exits 1 when \
      something fails. Stop the daemon first: devices it holds show as busy.
      """)

  @Option(help: "The configuration file.")
  var config = "/etc/thermogate/thermogate.yaml"

  @Option(help: "Where the udev rules are installed.")
  var udevRules = "/etc/udev/rules.d/70-thermogate.rules"

  func run() throws {
    var report = DoctorReport()
    let configuration: GatewayConfiguration
    do {
      configuration = try GatewayConfiguration.load(path: config)
      report.pass("configuration \(config) is valid (\(configuration.entrances.count) entrance(s))")
    } catch {
      for problem in error.problems { report.fail(problem.description, fix: "edit \(config)") }
      report.finish()
    }

    checkDatabase(configuration, &report)
    checkAccess(configuration, &report)
    checkDevices(configuration, &report)
    checkNetwork(configuration, &report)
    report.finish()
  }

  private func checkDatabase(_ configuration: GatewayConfiguration, _ report: inout DoctorReport) {
    let directory = (configuration.databasePath as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
      let probe = directory + "/.doctor-\(getpid())"
      guard FileManager.default.createFile(atPath: probe, contents: Data()) else {
        report.fail(
          "cannot write in \(directory)",
          fix: "chown thermogate:thermogate \(directory) (the unit's StateDirectory= does this)")
        return
      }
      try? FileManager.default.removeItem(atPath: probe)
      let store = try AlertStore(path: configuration.databasePath)
      let depth = try store.queueDepth()
      report.pass("database \(configuration.databasePath) is writable (\(depth.pending) pending deliveries)")
    } catch {
      report.fail("database \(configuration.databasePath): \(error)", fix: "check the path, its owner and free space")
    }
  }

  private func checkAccess(_ configuration: GatewayConfiguration, _ report: inout DoctorReport) {
    let usesHardware = configuration.entrances.contains { $0.thermometer.driver != .sim }
    if FileManager.default.fileExists(atPath: udevRules) {
      report.pass("udev rules installed at \(udevRules)")
    } else if usesHardware {
      report.fail("no udev rules at \(udevRules)", fix: "make install-udev (then replug the devices)")
    } else {
      report.note("no udev rules at \(udevRules) (only simulated devices configured)")
    }
    if getuid() == 0 {
      report.note("running as root: the daemon runs as user thermogate under systemd; check as that user too")
    } else {
      var count = getgroups(0, nil)
      var groups = [gid_t](repeating: 0, count: Int(max(count, 0)))
      count = getgroups(count, &groups)
      let names = groups.prefix(Int(max(count, 0))).compactMap {
        getgrgid($0).map { String(cString: $0.pointee.gr_name) }
      }
      if names.contains("thermogate") {
        report.pass("this user is in group thermogate")
      } else if usesHardware {
        report.fail(
          "this user is not in group thermogate", fix: "sudo usermod -aG thermogate \(NSUserName()), then log in again")
      }
    }
  }

  private func checkDevices(_ configuration: GatewayConfiguration, _ report: inout DoctorReport) {
    let needsUSB = configuration.needsUSB
    let usb = needsUSB ? try? USBContext() : nil
    if needsUSB, usb == nil {
      report.fail(
        "libusb cannot start (no USB subsystem?)", fix: "check that /dev/bus/usb exists and libusb-1.0 is installed")
    }
    let opener = SimulatedThermometerOpener(
      hardware: ThermometerOpener(usb: usb), clock: { Date().timeIntervalSince1970 })
    for entrance in configuration.entrances {
      for (role, address) in [("thermometer", entrance.thermometer), ("ambient reference", entrance.ambientReference)] {
        guard let address else { continue }
        do {
          var thermometer = try opener.openThermometer(address)
          let sample = try thermometer.sample(at: Date().timeIntervalSince1970)
          report.pass(
            String(
              format: "%@ %@ %@ reads %.2f °C (ambient %.2f °C)", entrance.name, role, address.description,
              sample.objectC, sample.ambientC))
        } catch {
          report.fail(
            "\(entrance.name) \(role) \(address): \(error.kind.rawValue): \(error.message)", fix: Self.fix(error.kind))
        }
      }
      if let gate = entrance.gate, gate.driver == .relay {
        if let usb {
          do {
            var board = try GateRelayOpener.open(gate, usb: usb)
            _ = try board.state()
            report.pass("\(entrance.name) gate relay \(gate) answers")
          } catch {
            report.fail(
              "\(entrance.name) gate relay \(gate): \(error)",
              fix: "check the board's ID (thermogate devices) and its USB cable")
          }
        }
      }
      if case .evdev(let path) = entrance.badge {
        if access(path, R_OK) == 0 {
          report.pass("\(entrance.name) badge reader \(path) is readable")
        } else {
          let missing = !FileManager.default.fileExists(atPath: path)
          report.fail(
            "\(entrance.name) badge reader \(path) is \(missing ? "not there" : "not readable")",
            fix: missing ? "plug it in; ls /dev/input/by-id/ shows its name" : "add the user to group input")
        }
      }
    }
  }

  static func fix(_ kind: DeviceFault.Kind) -> String {
    switch kind {
    case .disconnected: "plug it in, or correct its address (thermogate devices lists what is attached)"
    case .access: "make install-udev and add the user to group thermogate"
    case .busy: "stop whatever holds it (a running daemon, a kernel driver: see hardware-notes.md)"
    case .timeout: "check the cable and the head's power; the device does not answer"
    case .protocolError: "check the address's driver and options (family, baud, SMBus address)"
    case .io: "check dmesg for USB or serial errors"
    }
  }

  private func checkNetwork(_ configuration: GatewayConfiguration, _ report: inout DoctorReport) {
    for sink in configuration.sinks {
      switch sink.kind {
      case .mqtt(let host, let port, _, _, _):
        switch Reachability.tcp(host: host, port: port) {
        case .success: report.pass("sink \(sink.name): MQTT broker \(host):\(port) accepts connections")
        case .failure(let error):
          report.fail(
            "sink \(sink.name): MQTT broker \(error.message)",
            fix: "start the broker or correct host/port; alerts wait in the store meanwhile")
        }
      case .webhook(let url, _, _):
        guard let parsed = URL(string: url), let host = parsed.host else { continue }
        let port = parsed.port ?? (parsed.scheme == "https" ? 443 : 80)
        switch Reachability.tcp(host: host, port: port) {
        case .success: report.pass("sink \(sink.name): webhook host \(host):\(port) accepts connections")
        case .failure(let error):
          report.fail(
            "sink \(sink.name): webhook \(error.message)",
            fix: "check the URL and the network route; alerts wait in the store meanwhile")
        }
      case .log, .gate:
        continue
      }
    }
  }
}

struct DoctorReport {
  private var failures = 0

  mutating func pass(_ text: String) { print("ok    \(text)") }
  func note(_ text: String) { print("note  \(text)") }

  mutating func fail(_ text: String, fix: String) {
    failures += 1
    print("FAIL  \(text)\n      fix: \(fix)")
  }

  func finish() -> Never {
    print(failures == 0 ? "all checks passed" : "\(failures) check(s) failed")
    Foundation.exit(failures == 0 ? 0 : 1)
  }
}
