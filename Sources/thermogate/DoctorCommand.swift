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
    let doctor = GatewayDoctor(
      configurationPath: config, udevRules: udevRules,
      thermometers: { usb in
        SimulatedThermometerOpener(hardware: ThermometerOpener(usb: usb), clock: { Date().timeIntervalSince1970 })
      })
    var failures = 0
    for finding in doctor.run() {
      switch finding {
      case .ok(let text): print("ok    \(text)")
      case .note(let text): print("note  \(text)")
      case .fail(let text, let fix):
        failures += 1
        print("FAIL  \(text)\n      fix: \(fix)")
      }
    }
    print(failures == 0 ? "all checks passed" : "\(failures) check(s) failed")
    if failures > 0 { throw ExitCode(1) }
  }
}
