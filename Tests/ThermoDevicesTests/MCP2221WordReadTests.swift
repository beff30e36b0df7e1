import Testing

@testable import ThermoDevices

/// The MCP2221 word read against the byte sequences of the protocol reference §1.6.
@Suite struct MCP2221WordReadTests {
  func report(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: 64 - bytes.count) }

  func sent(_ action: MCP2221WordRead.Action) -> [UInt8]? {
    if case .send(let bytes) = action { return bytes }
    return nil
  }

  @Test func theWorkedExampleReadsTobj1ByteForByte() {
    var read = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    #expect(sent(read.start()) == report([0x94, 0x01, 0x00, 0xB4, 0x07]))
    #expect(sent(read.receive(report([0x94, 0x00, 0x00]))) == report([0x93, 0x03, 0x00, 0xB5]))
    #expect(sent(read.receive(report([0x93, 0x00, 0x00]))) == report([0x40]))
    #expect(sent(read.receive(report([0x40, 0x00, 0x55, 0x03, 0xC6, 0x3C, 0x21]))) == report([0x10]))
    #expect(read.receive(report([0x10])) == .finished(word: 0x3CC6, pecMatched: true))
    #expect(read.receive(report([0x40])) == .failed(.protocolMisuse))
  }

  @Test func readBackIsPolledUntilTheDataIsReady() {
    var read = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    _ = read.start()
    _ = read.receive(report([0x94, 0x00, 0x00]))
    _ = read.receive(report([0x93, 0x00, 0x00]))
    #expect(sent(read.receive(report([0x40, 0x00, 0x50, 0x00]))) == report([0x40]))  // still reading
    #expect(sent(read.receive(report([0x40, 0x00, 0x54, 0x00]))) == report([0x40]))
    #expect(sent(read.receive(report([0x40, 0x00, 0x55, 0x03, 0xD2, 0x3A, 0x30]))) == MCP2221Report.status)
    #expect(read.receive(report([0x10])) == .finished(word: 0x3AD2, pecMatched: true))
  }

  @Test func anAbsentSensorCancelsTheEngineThenFails() {
    var read = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    _ = read.start()
    _ = read.receive(report([0x94, 0x00, 0x00]))
    _ = read.receive(report([0x93, 0x00, 0x00]))
    #expect(sent(read.receive(report([0x40, 0x41, 0x25, 127]))) == report([0x10, 0x00, 0x10]))
    #expect(read.receive(report([0x10, 0x00, 0x10])) == .failed(.bridge(.addressNotAcknowledged(engineState: 0x25))))
  }

  @Test func aBusyEngineAndATimeoutAreDistinctFailures() {
    var busy = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    _ = busy.start()
    #expect(sent(busy.receive(report([0x94, 0x01, 0x40]))) == MCP2221Report.cancel)
    #expect(busy.receive(report([0x10, 0x00, 0x11])) == .failed(.bridge(.engineBusy)))

    var slow = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject, maximumPolls: 2)
    _ = slow.start()
    _ = slow.receive(report([0x94, 0x00, 0x00]))
    _ = slow.receive(report([0x93, 0x00, 0x00]))
    _ = slow.receive(report([0x40, 0x00, 0x50, 0x00]))
    #expect(sent(slow.receive(report([0x40, 0x00, 0x50, 0x00]))) == MCP2221Report.cancel)
    #expect(slow.receive(report([0x10, 0x00, 0x10])) == .failed(.bridge(.dataNotReady(polls: 2))))

    var stuck = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    _ = stuck.start()
    _ = stuck.receive(report([0x94, 0x00, 0x00]))
    #expect(sent(stuck.receive(report([0x93, 0x00, 0x62]))) == MCP2221Report.cancel)
    #expect(stuck.receive(report([0x10, 0x00, 0x10])) == .failed(.bridge(.busTimeout(engineState: 0x62))))
  }

  @Test func aWrongEchoOrACorruptWordIsReported() {
    var read = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    _ = read.start()
    // A reply to something earlier is skipped (a late reply), a few times …
    for _ in 0..<8 { #expect(read.receive(report([0x93, 0x00, 0x00])) == .receiveAgain) }
    // … then the exchange counts as broken: cancel, and report what came.
    #expect(sent(read.receive(report([0x93, 0x00, 0x00]))) == MCP2221Report.cancel)
    #expect(
      read.receive(report([0x10]))
        == .failed(.bridge(.unexpectedReply(expected: 0x94, received: [0x93, 0, 0, 0, 0, 0, 0, 0]))))

    var corrupt = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    _ = corrupt.start()
    _ = corrupt.receive(report([0x94, 0x00, 0x00]))
    _ = corrupt.receive(report([0x93, 0x00, 0x00]))
    #expect(sent(corrupt.receive(report([0x40, 0x00, 0x55, 0x03, 0xC6, 0x3C, 0x22]))) == MCP2221Report.status)
    #expect(corrupt.receive(report([0x10])) == .failed(.sensor(.pecMismatch(expected: 0x21, received: 0x22))))

    var lenient = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .accept)
    _ = lenient.start()
    _ = lenient.receive(report([0x94, 0x00, 0x00]))
    _ = lenient.receive(report([0x93, 0x00, 0x00]))
    _ = lenient.receive(report([0x40, 0x00, 0x55, 0x03, 0xC6, 0x3C, 0x22]))
    #expect(lenient.receive(report([0x10])) == .finished(word: 0x3CC6, pecMatched: false))
  }

  @Test func anAddressNackSeenOnlyInTheFinalStatusFailsTheRead() {
    var read = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    _ = read.start()
    _ = read.receive(report([0x94, 0x00, 0x00]))
    _ = read.receive(report([0x93, 0x00, 0x00]))
    _ = read.receive(report([0x40, 0x00, 0x55, 0x03, 0xC6, 0x3C, 0x21]))
    var status = report([0x10])
    status[20] = 0x40
    #expect(read.receive(status) == .send(MCP2221Report.cancel))
    #expect(read.receive(report([0x10])) == .failed(.bridge(.addressNotAcknowledged(engineState: 0x00))))
  }
}
