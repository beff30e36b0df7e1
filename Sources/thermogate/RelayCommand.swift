import ArgumentParser
import Foundation
import ThermoDevices
import ThermoGateway
import ThermoStore

struct RelayCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "relay",
    abstract: "Switch a gate relay channel, or show the board's state.",
    discussion: """
      DEVICE is relay:serial=ID (the board's five-character ID) or relay:port=1-1.4, optionally \
      with ?channel=N. Every switch is read back; a channel that did not follow is an error \
      (exit 1). The read-back shows the board's output latch, not the contact itself.
      """
  )

  enum Action: String, ExpressibleByArgument, CaseIterable {
    case on, off, status
  }

  @Argument(help: "The relay board's address.")
  var device: String

  @Argument(help: "on, off or status.")
  var action: Action = .status

  @Option(help: "Channel to switch (1-based); overrides ?channel= in the address. Without either, all channels.")
  var channel: Int?

  @Flag(help: "Print the state as JSON.")
  var json = false

  func run() throws {
    var standardError = StandardError()
    do {
      let address = try DeviceAddress(parsing: device)
      guard address.driver == .relay else {
        throw ValidationError("\(device) is not a relay address (relay:serial=ID or relay:port=…)")
      }
      let usb = try USBContext()
      var board = try GateRelayOpener.open(address, usb: usb)
      let chosen = channel ?? address.integerOption("channel")
      switch (action, chosen) {
      case (.on, let channel?), (.off, let channel?): try board.setChannel(channel, on: action == .on)
      case (.on, nil), (.off, nil): try board.setAll(on: action == .on)
      case (.status, _): break
      }
      let state = try board.state()
      if json {
        var line = JSONLine()
        line.add("device", device)
        line.add("id", state.serial)
        line.addRaw("channels", "[" + state.channels.map { $0 ? "true" : "false" }.joined(separator: ",") + "]")
        print(line.string)
      } else {
        let channels = state.channels.enumerated().map { "\($0.offset + 1): \($0.element ? "on" : "off")" }
        print("relay \(state.serial)  " + channels.joined(separator: "  "))
      }
    } catch let error as ValidationError {
      throw error
    } catch {
      print("error: \(error)", to: &standardError)
      throw ExitCode(1)
    }
  }
}
