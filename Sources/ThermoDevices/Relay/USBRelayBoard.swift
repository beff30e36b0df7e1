/// A USBRelay board over any feature-report transport. Every switch is read back: the gateway
/// holds a turnstile with a relay, so one that does not follow its command is an error, not a
/// hope (pavel-a/usb-relay-hid's `rel_onoff` verifies the same way).
///
/// The state byte is the firmware's output latch (u1f35c/usb-relay-firmware reads PORTB), not a
/// sense of the contact: the read-back catches a board that ignored or lost the command, not a
/// welded contact or a dead coil. Those need a contact sense wired back to the gateway.
public struct USBRelayBoard<Transport: FeatureReportTransport> {
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    case transport(TransportError)
    case report(USBRelay.ReportError)
    /// The board took the command but reports these channels unchanged (a board that ignores
    /// the channel, a firmware fault, a reset in between).
    case didNotSwitch(channels: [Int], on: Bool, serial: String)

    public var description: String {
      switch self {
      case .transport(let error): error.description
      case .report(let error): error.description
      case .didNotSwitch(let channels, let on, let serial):
        "relay board \(serial): channel\(channels.count == 1 ? "" : "s") "
          + channels.map(String.init).joined(separator: ", ")
          + " did not switch \(on ? "on" : "off"); check the board before trusting the gate"
      }
    }
  }

  public var transport: Transport
  public let channelCount: Int
  public var layout: USBRelay.ReplyLayout

  /// A board with a known channel count (1–8).
  public init(transport: Transport, channelCount: Int, layout: USBRelay.ReplyLayout = .standard) throws(Failure) {
    guard (1...USBRelay.channelLimit).contains(channelCount) else {
      throw .report(.unknownProduct("\(USBRelay.productPrefix)\(channelCount)"))
    }
    self.transport = transport
    self.channelCount = channelCount
    self.layout = layout
  }

  /// A board whose channel count comes from its USB product string ("USBRelay2").
  public init(transport: Transport, product: String, layout: USBRelay.ReplyLayout = .standard) throws(Failure) {
    let count: Int
    do { count = try USBRelay.channelCount(product: product) } catch { throw .report(error) }
    try self.init(transport: transport, channelCount: count, layout: layout)
  }

  public var validChannels: ClosedRange<Int> { 1...channelCount }

  /// Switches one channel (1-based) and checks that it followed.
  public mutating func setChannel(_ channel: Int, on: Bool) throws(Failure) {
    let report: [UInt8]
    do { report = try USBRelay.switchReport(channel: channel, on: on, channelCount: channelCount) } catch {
      throw .report(error)
    }
    try send(report)
    let state = try state()
    if state.isOn(channel) != on { throw .didNotSwitch(channels: [channel], on: on, serial: state.serial) }
  }

  /// Switches every channel and checks that each followed.
  public mutating func setAll(on: Bool) throws(Failure) {
    try send(USBRelay.switchAllReport(on: on))
    let state = try state()
    let stuck = validChannels.filter { state.isOn($0) != on }
    if !stuck.isEmpty { throw .didNotSwitch(channels: stuck, on: on, serial: state.serial) }
  }

  /// The board's ID and relay states, read from the board (never a cached copy).
  public mutating func state() throws(Failure) -> USBRelay.State {
    let reply: [UInt8]
    do {
      let length = layout.leadingReportID ? USBRelay.reportLength : USBRelay.dataLength
      reply = try transport.getFeature(reportID: USBRelay.reportID, length: length)
    } catch {
      throw .transport(error)
    }
    do { return try USBRelay.parseState(reply, channelCount: channelCount, layout: layout) } catch {
      throw .report(error)
    }
  }

  private mutating func send(_ report: [UInt8]) throws(Failure) {
    do { try transport.setFeature(report) } catch { throw .transport(error) }
  }
}
