import ArgumentParser
import Foundation
import ThermoCore
import ThermoDaemon
import ThermoDevices
import ThermoGateway
import ThermoSimulation
import ThermoStore

struct ReadCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "read",
    abstract: "Read a thermometer live.",
    discussion: """
      DEVICE is an address: mcp2221:serial=…, cp2112:port=1-1.2, temper:port=…, \
      optris:/dev/serial/by-id/…?family=ct, pyrousb:/dev/…, or sim:KIND?seed=N for a simulated \
      entrance (KIND: \(DeviceAddress.simulatedThermometerKinds.joined(separator: ", "))). A device error \
      is printed as a record with a non-ok status and the device is reopened with backoff; the \
      command exits 1 if no reading at all succeeded.
      """
  )

  @Argument(help: "The device address (see `thermogate devices`).")
  var device: String

  @Option(help: "How many readings; 0 reads until interrupted.")
  var count = 10

  @Option(help: "Seconds between readings.")
  var interval = 0.5

  @Flag(help: "One JSON object per reading: device, time, object_c, ambient_c, status (and message).")
  var json = false

  func validate() throws {
    guard count >= 0 else { throw ValidationError("--count must be 0 or more") }
    guard interval >= 0, interval.isFinite else { throw ValidationError("--interval must be 0 or more seconds") }
  }

  func run() throws {
    var standardError = StandardError()
    let address: DeviceAddress
    do {
      address = try DeviceAddress(parsing: device)
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
    let started = Date()
    let usb = address.driver.isUSB ? try? USBContext() : nil
    let opener = SimulatedThermometerOpener(
      hardware: ThermometerOpener(usb: usb), clock: { Date().timeIntervalSince(started) })
    var reconnect = Backoff()
    var thermometer: (any Thermometer)?
    var successes = 0
    var taken = 0
    while count == 0 || taken < count {
      taken += 1
      let now = Date().timeIntervalSince1970
      do throws(DeviceFault) {
        if thermometer == nil { thermometer = try opener.openThermometer(address) }
        guard var open = thermometer else { continue }
        let sample = try open.sample(at: now)
        thermometer = open
        successes += 1
        reconnect.reset()
        emit(format(sample: sample, status: sample.sensorError ? "sensor_error" : "ok", message: nil, time: now))
      } catch {
        emit(format(sample: nil, status: error.kind.rawValue, message: error.message, time: now))
        if [.disconnected, .access, .busy, .io].contains(error.kind) {
          // Closed and reopened: a replugged device comes back on a new handle.
          thermometer = nil
          Thread.sleep(forTimeInterval: reconnect.next())
          continue
        }
      }
      if count == 0 || taken < count { Thread.sleep(forTimeInterval: interval) }
    }
    guard successes > 0 else { throw ExitCode(1) }
  }

  private func emit(_ line: String) {
    // Unbuffered, so a reader on a pipe sees each reading as it is taken.
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  private func format(sample: Sample?, status: String, message: String?, time: Double) -> String {
    if json {
      var line = JSONLine()
      line.add("device", device)
      line.add("time", Timestamp.format(time))
      line.add("object_c", sample?.objectC)
      line.add("ambient_c", sample?.ambientC)
      line.add("status", status)
      if let message { line.add("message", message) }
      return line.string
    }
    guard let sample else { return "\(Timestamp.format(time))  \(status): \(message ?? "")" }
    let object = JSONLine.number(sample.objectC, decimals: 2)
    let ambient = JSONLine.number(sample.ambientC, decimals: 2)
    return "\(Timestamp.format(time))  object \(object) °C  ambient \(ambient) °C  \(status)"
  }
}
