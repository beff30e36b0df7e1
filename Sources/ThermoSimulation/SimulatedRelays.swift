import Foundation
import Synchronization
import ThermoDevices

/// The demo's relay boards: one eight-channel board model per `sim:relay` address, answering the
/// same feature reports as the real board, so the relay driver runs unchanged. The boards stay
/// readable, so a test or the demo can see the turnstile.
public final class SimulatedRelays: RelayOpening {
  private let boards = Mutex<[String: SimulatedRelay]>([:])

  public init() {}

  public func openRelay(_ address: DeviceAddress) throws(DeviceFault) -> any RelaySwitch {
    guard address.driver == .sim else {
      throw DeviceFault(kind: .protocolError, message: "\(address): not a simulated relay board")
    }
    let key = address.relayBoard.description
    return try boards.withLock { boards throws(DeviceFault) -> SimulatedRelay in
      if let board = boards[key] { return board }
      let board: SimulatedRelay
      do { board = try SimulatedRelay(stateFile: address.options["state"]) } catch {
        throw DeviceFault(kind: .protocolError, message: "simulated relay board: \(error)")
      }
      boards[key] = board
      return board
    }
  }

  /// Whether the channel an address names is energised, as its board model reports it (nil
  /// before the board was first opened).
  public func channelState(_ address: DeviceAddress) -> Bool? {
    guard let channel = address.integerOption("channel") else { return nil }
    return boards.withLock { $0[address.relayBoard.description] }?.isOn(channel)
  }
}

/// One board model behind the real driver; a class, so every entrance on the board switches
/// the same one. With a state file (`sim:relay?state=PATH`) its relays latch across processes as
/// a real board's do: a gateway killed with a relay on finds it on when it starts again.
final class SimulatedRelay: RelaySwitch, Sendable {
  private let board: Mutex<USBRelayBoard<SimulatedFeatureReportTransport<USBRelayModel>>>
  private let stateFile: String?

  init(stateFile: String? = nil) throws {
    self.stateFile = stateFile
    let latched = stateFile.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }.flatMap {
      UInt8($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 2)
    }
    let model = USBRelayModel(serial: "SIMRL", channelCount: 8, bitmap: latched ?? 0)
    board = Mutex(try USBRelayBoard(transport: SimulatedFeatureReportTransport(model: model), channelCount: 8))
  }

  func set(channel: Int, on: Bool) throws {
    try board.withLock { board in
      try board.setChannel(channel, on: on)
      if let stateFile {
        // Channel 8 first, as the relays sit on the board's label.
        let bits = (1...8).reversed().map { board.transport.model.isOn($0) ? "1" : "0" }.joined()
        try bits.write(toFile: stateFile, atomically: true, encoding: .utf8)
      }
    }
  }

  func isOn(_ channel: Int) -> Bool {
    board.withLock { $0.transport.model.isOn(channel) }
  }
}

extension SimulatedRelays {
  /// These board models for `sim:` addresses and another opener (the hardware of the moment)
  /// for the rest.
  public struct Fallback: RelayOpening {
    let simulated: SimulatedRelays
    let hardware: any RelayOpening

    public init(simulated: SimulatedRelays, hardware: any RelayOpening) {
      self.simulated = simulated
      self.hardware = hardware
    }

    public func openRelay(_ address: DeviceAddress) throws(DeviceFault) -> any RelaySwitch {
      address.driver == .sim ? try simulated.openRelay(address) : try hardware.openRelay(address)
    }
  }
}
