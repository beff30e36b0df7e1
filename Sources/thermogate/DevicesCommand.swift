import ArgumentParser
import Foundation
import ThermoDevices
import ThermoGateway
import ThermoStore

struct DevicesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "devices",
    abstract: "List supported USB devices and USB serial ports, and whether this user can open them.",
    discussion: """
      Each USB device is shown with its driver, VID:PID, serial number, port path, device node and \
      its address for the configuration (by serial number when it has one, else by port). A \
      device this user cannot open is shown with the cause and the fix. --watch prints devices \
      as they arrive and leave (udev events where a udev daemon runs, else a rescan every \
      --interval seconds).
      """
  )

  @Flag(help: "JSON: an array of devices; with --watch, one JSON object per event.")
  var json = false

  @Flag(help: "Keep running and print devices as they are plugged in and out.")
  var watch = false

  @Option(help: "Seconds between rescans when watching.")
  var interval = 2.0

  func validate() throws {
    guard interval.isFinite, interval >= 0, interval <= 86_400 else {
      throw ValidationError("--interval must be between 0 and 86400 seconds")
    }
  }

  func run() async throws {
    var standardError = StandardError()
    if watch {
      try await watchDevices()
      return
    }
    let devices: [DiscoveredDevice]
    let ports: [USBSerialPort]
    do {
      devices = try DeviceDiscovery.scanUSB()
      ports = try DeviceDiscovery.scanSerialPorts()
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
    let nodes = (try? DeviceDiscovery.interfaceNodes(of: devices)) ?? [:]
    if json {
      let entries =
        devices.map { device in
          var line = describe(device)
          let list = (nodes[device.stableAddress] ?? []).map(JSONLine.quoted).joined(separator: ",")
          line.addRaw("interface_nodes", "[" + list + "]")
          return line.string
        } + ports.map { describe($0).string }
      print("[" + entries.joined(separator: ",\n ") + "]")
      return
    }
    if devices.isEmpty && ports.isEmpty {
      print("No supported USB devices or USB serial ports found.")
      print("Simulated devices are always available: thermogate read sim:mlx90614")
      return
    }
    for device in devices {
      let access = DeviceAccess.check(node: device.devNode)
      print(
        "\(device.stableAddress)  \(VendorProduct(vendorID: device.vendorID, productID: device.productID))  port \(device.portPath)  "
          + "\(device.devNode ?? "-")  " + (access.canOpen ? "ok" : "NO ACCESS"))
      if let cause = access.cause, let fix = access.fix { print("    \(cause)\n    fix: \(fix)") }
      if let list = nodes[device.stableAddress], !list.isEmpty {
        print("    interface nodes: " + list.joined(separator: " "))
      }
    }
    for port in ports {
      let access = DeviceAccess.check(node: port.node)
      print(
        "serial port \(port.preferredPath)  (optris:… or pyrousb:…)  " + (access.canOpen ? "ok" : "NO ACCESS"))
      if let cause = access.cause, let fix = access.fix { print("    \(cause)\n    fix: \(fix)") }
    }
  }

  private func watchDevices() async throws {
    let (watcher, monitor) = DeviceWatcher.system(interval: .milliseconds(Int64(max(interval, 0.05) * 1000)))
    var standardError = StandardError()
    print(
      monitor == nil
        ? "watching (no udev daemon here: rescanning every \(interval) s)"
        : "watching (udev events, and a rescan every \(interval) s)", to: &standardError)
    for await change in watcher.changes() {
      let line: String
      if json {
        var entry = describe(change.device)
        entry.add("event", change.kind.rawValue)
        line = entry.string
      } else {
        line = "\(change.kind == .added ? "+" : "-") \(change.device.stableAddress)  port \(change.device.portPath)"
      }
      FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
    withExtendedLifetime(monitor) {}
  }

  private func describe(_ device: DiscoveredDevice) -> JSONLine {
    var line = JSONLine()
    line.add("driver", device.family.rawValue)
    line.add("address", device.stableAddress)
    line.add("vid_pid", "\(VendorProduct(vendorID: device.vendorID, productID: device.productID))")
    line.add("serial", device.serial)
    line.add("port", device.portPath)
    line.add("node", device.devNode)
    add(DeviceAccess.check(node: device.devNode), to: &line)
    return line
  }

  private func describe(_ port: USBSerialPort) -> JSONLine {
    var line = JSONLine()
    line.add("driver", "serial")
    line.add("address", "optris:\(port.preferredPath) or pyrousb:\(port.preferredPath)")
    line.add(
      "vid_pid",
      port.vendorID.map { vendor in
        port.productID.map { VendorProduct(vendorID: vendor, productID: $0).description } ?? VendorProduct(
          vendorID: vendor, productID: 0
        ).description.prefix(5) + "????"
      })
    line.add("serial", port.serial)
    line.add("node", port.node)
    add(DeviceAccess.check(node: port.node), to: &line)
    return line
  }

  private func add(_ access: DeviceAccess, to line: inout JSONLine) {
    line.addRaw("can_open", access.canOpen ? "true" : "false")
    if let cause = access.cause { line.add("cause", cause) }
    if let fix = access.fix { line.add("fix", fix) }
  }

}
