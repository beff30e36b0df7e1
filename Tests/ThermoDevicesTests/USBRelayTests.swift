import Testing
import ThermoSimulation

@testable import ThermoDevices

/// The relay board's reports byte for byte, in the layout pavel-a/usb-relay-hid `rel_onoff` and
/// `rel_read_status_raw` use: report ID 0, then 8 data bytes.
@Suite struct USBRelayTests {
  @Test func switchingOneChannelSendsCommandThenChannelPaddedToNineBytes() throws {
    #expect(try USBRelay.switchReport(channel: 1, on: true, channelCount: 2) == [0x00, 0xFF, 0x01, 0, 0, 0, 0, 0, 0])
    #expect(try USBRelay.switchReport(channel: 2, on: false, channelCount: 2) == [0x00, 0xFD, 0x02, 0, 0, 0, 0, 0, 0])
    #expect(try USBRelay.switchReport(channel: 8, on: true, channelCount: 8) == [0x00, 0xFF, 0x08, 0, 0, 0, 0, 0, 0])
  }

  @Test func switchingAllChannelsSendsFEOrFCWithAZeroArgument() {
    #expect(USBRelay.switchAllReport(on: true) == [0x00, 0xFE, 0x00, 0, 0, 0, 0, 0, 0])
    #expect(USBRelay.switchAllReport(on: false) == [0x00, 0xFC, 0x00, 0, 0, 0, 0, 0, 0])
  }

  @Test(arguments: [0, 5, -1, 9, 255])
  func aChannelTheBoardDoesNotHaveIsRejectedNamingTheValidOnes(channel: Int) {
    #expect(throws: USBRelay.ReportError.channelOutOfRange(channel: channel, channelCount: 4)) {
      try USBRelay.switchReport(channel: channel, on: true, channelCount: 4)
    }
    let message = USBRelay.ReportError.channelOutOfRange(channel: channel, channelCount: 4).description
    #expect(message.contains("valid channels are 1–4"))
    #expect(message.contains("channel \(channel) "))
  }

  @Test func aOneChannelBoardNamesItsOnlyChannel() {
    #expect(
      USBRelay.ReportError.channelOutOfRange(channel: 2, channelCount: 1).description.hasSuffix("valid channels are 1"))
  }

  @Test(arguments: [("USBRelay1", 1), ("USBRelay2", 2), ("USBRelay4", 4), ("USBRelay8", 8)])
  func theProductStringGivesTheChannelCount(product: String, count: Int) throws {
    #expect(try USBRelay.channelCount(product: product) == count)
  }

  @Test(arguments: ["USBRelay", "USBRelay0", "USBRelay9", "USBRelay16", "USBRelay+4", "USBRelay4x", "HIDRelay", ""])
  func otherProductStringsAreNotRelayBoards(product: String) {
    #expect(throws: USBRelay.ReportError.unknownProduct(product)) { try USBRelay.channelCount(product: product) }
  }

  @Test func theStateReplyGivesTheIDAndOneBitPerChannel() throws {
    let reply: [UInt8] = [0x00, 0x51, 0x57, 0x45, 0x52, 0x54, 0x00, 0x00, 0b0000_0101]
    let state = try USBRelay.parseState(reply, channelCount: 4)
    #expect(state.serial == "QWERT")
    #expect(state.serialBytes == Array("QWERT".utf8))
    #expect(state.bitmap == 0b0000_0101)
    #expect(state.channels == [true, false, true, false])
    #expect(state.isOn(1) && !state.isOn(2) && state.isOn(3))
    #expect(!state.isOn(0) && !state.isOn(9))
  }

  @Test func bitsAboveTheChannelCountAreNotReportedAsChannels() throws {
    let state = try USBRelay.parseState([0, 0x41, 0x42, 0x43, 0x44, 0x45, 0, 0, 0xFF], channelCount: 2)
    #expect(state.channels == [true, true])
  }

  /// darrylb/usbrelay asks hidraw for report number 1 and gets the 8 data bytes without an ID.
  @Test func aReplyWithoutTheReportIDReadsWithThatLayout() throws {
    let layout = USBRelay.ReplyLayout(leadingReportID: false)
    let state = try USBRelay.parseState([0x41, 0x42, 0x43, 0x44, 0x45, 0, 0, 0x02], channelCount: 2, layout: layout)
    #expect(state.serial == "ABCDE")
    #expect(state.channels == [false, true])
    #expect(throws: USBRelay.ReportError.wrongLength(count: 9, expected: 8)) {
      try USBRelay.parseState([0, 0x41, 0x42, 0x43, 0x44, 0x45, 0, 0, 0x02], channelCount: 2, layout: layout)
    }
  }

  @Test func repliesThatAreNotARelayBoardsAreTypedErrors() {
    #expect(throws: USBRelay.ReportError.wrongLength(count: 8, expected: 9)) {
      try USBRelay.parseState([0x41, 0x42, 0x43, 0x44, 0x45, 0, 0, 0x02], channelCount: 2)
    }
    #expect(throws: USBRelay.ReportError.wrongLength(count: 0, expected: 9)) {
      try USBRelay.parseState([], channelCount: 2)
    }
    #expect(throws: USBRelay.ReportError.wrongReportID(0x01)) {
      try USBRelay.parseState([0x01, 0x41, 0x42, 0x43, 0x44, 0x45, 0, 0, 0x02], channelCount: 2)
    }
    #expect(throws: USBRelay.ReportError.unterminatedSerial([0x41, 0x42, 0x43, 0x44, 0x45, 0x46])) {
      try USBRelay.parseState([0x00, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0, 0x02], channelCount: 2)
    }
  }

  /// A board whose EEPROM ID got a 0xFF (pavel-a/usb-relay-hid issue #39) still switches; the ID
  /// shows the damage instead of hiding it.
  @Test func aDamagedIDIsShownEscaped() throws {
    let state = try USBRelay.parseState([0x00, 0xFF, 0x57, 0x33, 0x34, 0x31, 0x00, 0x00, 0x01], channelCount: 1)
    #expect(state.serial == "\\xFFW341")
    #expect(state.channels == [true])
  }

  @Test func randomRepliesNeverCrashTheParser() {
    var generator = SeededRandom(seed: 0x5EED)
    var parsed = 0
    for round in 0..<20_000 {
      let length = Int(generator.next() % 13)
      var reply = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      // Every fourth reply looks like a relay reply so the success path is fuzzed too.
      if round % 4 == 0, reply.count == 9 {
        reply[0] = 0
        reply[6] = 0
      }
      let layout = USBRelay.ReplyLayout(
        leadingReportID: round % 3 != 0, requiresSerialTerminator: round % 5 != 0)
      do {
        let state = try USBRelay.parseState(reply, channelCount: 1 + round % 8, layout: layout)
        #expect(state.serialBytes.count == 5)
        #expect(state.channels.count == 1 + round % 8)
        parsed += 1
      } catch {
        #expect(!error.description.isEmpty)
      }
    }
    #expect(parsed > 0)
  }
}
