import Testing
import ThermoDevices

@testable import ThermoSimulation

/// The driver against the simulated board: the bytes it sends, what the board does with them,
/// and the faults a gate meets.
@Suite struct USBRelayBoardTests {
  typealias Board = USBRelayBoard<SimulatedFeatureReportTransport<USBRelayModel>>

  func board(channels: Int = 4, _ configure: (inout USBRelayModel) -> Void = { _ in }) throws -> Board {
    var model = USBRelayModel(serial: "QWERT", channelCount: channels)
    configure(&model)
    return try Board(transport: SimulatedFeatureReportTransport(model: model), product: model.productString)
  }

  @Test func switchingAChannelSendsItsReportThenReadsTheStateBack() throws {
    var relay = try board()
    try relay.setChannel(2, on: true)
    #expect(relay.transport.model.isOn(2))
    #expect(relay.transport.sentReports == [[0x00, 0xFF, 0x02, 0, 0, 0, 0, 0, 0]])
    #expect(relay.transport.featureRequests.map(\.reportID) == [0])
    #expect(relay.transport.featureRequests.map(\.length) == [9])

    try relay.setChannel(2, on: false)
    #expect(!relay.transport.model.isOn(2))
    #expect(relay.transport.sentReports.last == [0x00, 0xFD, 0x02, 0, 0, 0, 0, 0, 0])
  }

  @Test func theStateRoundTripsThroughTheBoard() throws {
    var relay = try board()
    #expect(relay.channelCount == 4)
    try relay.setChannel(1, on: true)
    try relay.setChannel(4, on: true)
    let state = try relay.state()
    #expect(state.serial == "QWERT")
    #expect(state.channels == [true, false, false, true])
    #expect(relay.transport.model.bitmap == 0b1001)
  }

  @Test func allChannelsSwitchTogether() throws {
    var relay = try board(channels: 8)
    try relay.setAll(on: true)
    #expect(try relay.state().channels == Array(repeating: true, count: 8))
    #expect(relay.transport.sentReports == [[0x00, 0xFE, 0x00, 0, 0, 0, 0, 0, 0]])
    try relay.setAll(on: false)
    #expect(try relay.state().channels == Array(repeating: false, count: 8))
    #expect(relay.transport.sentReports.last == [0x00, 0xFC, 0x00, 0, 0, 0, 0, 0, 0])
  }

  @Test func aStuckRelayIsReportedNotAssumed() throws {
    var relay = try board { $0.stuckChannels = [1] }
    #expect(throws: Board.Failure.didNotSwitch(channels: [1], on: true, serial: "QWERT")) {
      try relay.setChannel(1, on: true)
    }
    // The other channels still work, and a stuck channel fails "all on" by name.
    try relay.setChannel(2, on: true)
    #expect(throws: Board.Failure.didNotSwitch(channels: [1], on: true, serial: "QWERT")) {
      try relay.setAll(on: true)
    }
    #expect(try relay.state().channels == [false, true, true, true])
    let message = Board.Failure.didNotSwitch(channels: [1], on: true, serial: "QWERT").description
    #expect(message.contains("QWERT") && message.contains("channel 1 did not switch on"))
  }

  @Test func aRelayStuckOnFailsSwitchingOff() throws {
    var relay = try board(channels: 2)
    try relay.setAll(on: true)
    relay.transport.model.stuckChannels = [2]
    #expect(throws: Board.Failure.didNotSwitch(channels: [2], on: false, serial: "QWERT")) {
      try relay.setAll(on: false)
    }
    #expect(relay.transport.model.isOn(2) && !relay.transport.model.isOn(1))
  }

  @Test func aChannelOutOfRangeIsRejectedBeforeAnythingIsSent() throws {
    var relay = try board(channels: 2)
    #expect(throws: Board.Failure.report(.channelOutOfRange(channel: 3, channelCount: 2))) {
      try relay.setChannel(3, on: true)
    }
    #expect(throws: Board.Failure.report(.channelOutOfRange(channel: 0, channelCount: 2))) {
      try relay.setChannel(0, on: true)
    }
    #expect(relay.transport.sentReports.isEmpty)
    #expect(relay.transport.model.bitmap == 0)
  }

  @Test func anUnpluggedBoardIsDisconnected() throws {
    var relay = try board()
    try relay.setChannel(3, on: true)
    relay.transport.model.unplug()
    #expect(throws: Board.Failure.transport(.disconnected)) { try relay.setChannel(1, on: true) }
    #expect(throws: Board.Failure.transport(.disconnected)) { try relay.state() }
    #expect(throws: Board.Failure.transport(.disconnected)) { try relay.setAll(on: false) }
    // Back on the bus, the bus-powered relays have dropped out.
    relay.transport.model.plugIn()
    #expect(try relay.state().channels == [false, false, false, false])
  }

  @Test func aGarbageReplyIsATypedErrorAndTheSwitchIsNotTakenAsDone() throws {
    var relay = try board { $0.garbageReply = [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0] }
    #expect(throws: Board.Failure.report(.unterminatedSerial([0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC]))) {
      try relay.setChannel(1, on: true)
    }
    relay.transport.model.garbageReply = [0x01, 0x02]
    #expect(throws: Board.Failure.report(.wrongLength(count: 3, expected: 9))) { try relay.state() }
  }

  @Test func productStringsThatAreNotRelayBoardsAreRefused() {
    let transport = SimulatedFeatureReportTransport(model: USBRelayModel(serial: "QWERT", channelCount: 2))
    #expect(throws: Board.Failure.report(.unknownProduct("HIDRelay"))) {
      try Board(transport: transport, product: "HIDRelay")
    }
    #expect(throws: Board.Failure.report(.unknownProduct("USBRelay9"))) {
      try Board(transport: transport, channelCount: 9)
    }
  }

  /// The model's USB side in the wire's own bytes: no report ID in the data stage, any SET_REPORT
  /// type accepted (darrylb/usbrelay switches with output reports), 8 bytes back.
  @Test func theModelAnswersInTheDataStageBytesTheFirmwareUses() {
    var model = USBRelayModel(serial: "ABCDE", channelCount: 2)
    #expect(model.productString == "USBRelay2")
    func set(_ type: HIDReportType, _ data: [UInt8]) -> Bool { model.setReport(type: type, id: 0, data: data) }
    func get(_ length: Int) -> [UInt8]? { model.getReport(type: .feature, id: 0, length: length) }
    #expect(set(.output, [0xFF, 0x02, 0, 0, 0, 0, 0, 0]))
    #expect(get(8) == [0x41, 0x42, 0x43, 0x44, 0x45, 0x00, 0x00, 0x02])
    #expect(set(.feature, [0xFE, 0, 0, 0, 0, 0, 0, 0]))
    #expect(model.bitmap == 0b11)
    // A channel the board does not have and an unknown command change nothing.
    #expect(set(.feature, [0xFD, 0x03, 0, 0, 0, 0, 0, 0]))
    #expect(set(.feature, [0x42, 0x01, 0, 0, 0, 0, 0, 0]))
    #expect(model.bitmap == 0b11)
    // CMD_SET_SERIAL (0xFA) rewrites the ID the next reply carries.
    #expect(set(.feature, [0xFA, 0x5A, 0x59, 0x58, 0x57, 0x56, 0x00, 0]))
    #expect(get(8) == [0x5A, 0x59, 0x58, 0x57, 0x56, 0x00, 0x00, 0x03])
    // wLength shorter than the report cuts the data stage, as USB does.
    #expect(get(5) == [0x5A, 0x59, 0x58, 0x57, 0x56])
    model.unplug()
    #expect(get(8) == nil)
    #expect(!set(.feature, [0xFE]))
  }

  @Test func theTransportStripsAndRestoresReportIDZero() throws {
    var transport = SimulatedFeatureReportTransport(model: USBRelayModel(serial: "ABCDE", channelCount: 1))
    try transport.setFeature([0x00, 0xFF, 0x01, 0, 0, 0, 0, 0, 0])
    #expect(transport.model.isOn(1))
    let reply = try transport.getFeature(reportID: 0, length: 9)
    #expect(reply == [0x00, 0x41, 0x42, 0x43, 0x44, 0x45, 0, 0, 0x01])
    #expect(throws: TransportError.self) { try transport.setFeature([]) }
  }
}
