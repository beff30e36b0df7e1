/// One relay board as the gate sees it: a channel switched on or off.
public protocol RelaySwitch {
  mutating func set(channel: Int, on: Bool) throws
}

/// Opens the relay board a `relay:` (or, in the demo, `sim:relay`) address names; the channel
/// option is the caller's business.
public protocol RelayOpening: Sendable {
  func openRelay(_ address: DeviceAddress) throws(DeviceFault) -> any RelaySwitch
}

extension DeviceAddress {
  /// The relay board this address's channel is on: the same address without its channel.
  public var relayBoard: DeviceAddress {
    var board = self
    board.options["channel"] = nil
    return board
  }
}

extension USBRelayBoard: RelaySwitch {
  public mutating func set(channel: Int, on: Bool) throws {
    try setChannel(channel, on: on)
  }
}

/// The gate box's USB HID relay boards.
public struct USBRelayOpener: RelayOpening {
  private let usb: USBContext?

  public init(usb: USBContext?) {
    self.usb = usb
  }

  public func openRelay(_ address: DeviceAddress) throws(DeviceFault) -> any RelaySwitch {
    guard let usb else { throw DeviceFault(kind: .io, message: "USB is not available in this process") }
    return try GateRelayOpener.open(address, usb: usb)
  }
}
