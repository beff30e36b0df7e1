import Glibc
import Testing
import ThermoDevices

@testable import ThermoSimulation

/// A simulated reader types cards; the decoders and the assembler must read back exactly what was
/// typed, from the bytes a real reader and the kernel produce.
@Suite struct BadgeReaderTests {
  func readBootReports(_ reports: [[UInt8]], maximumLength: Int = 32) throws -> [BadgeAssembler.Output] {
    var decoder = HIDKeyboardDecoder()
    var assembler = BadgeAssembler(maximumLength: maximumLength)
    var outputs: [BadgeAssembler.Output] = []
    for (index, report) in reports.enumerated() {
      for key in try decoder.decode(report) {
        if let output = assembler.accept(key, at: 1000 + Double(index) * 0.004) { outputs.append(output) }
      }
    }
    return outputs
  }

  @Test func aCardTypedAsBootReportsReadsBack() throws {
    let reports = try BadgeReaderModel().bootReports(typing: "0004567890")
    #expect(reports.count == 22)
    #expect(reports[0] == [0, 0, 0x27, 0, 0, 0, 0, 0])
    #expect(reports[1] == [0, 0, 0, 0, 0, 0, 0, 0])
    #expect(reports[20] == [0, 0, 0x28, 0, 0, 0, 0, 0])
    #expect(try readBootReports(reports) == [.badge("0004567890")])
  }

  @Test func shiftedLettersKeypadDigitsAndKeypadEnterReadBack() throws {
    var reader = BadgeReaderModel()
    reader.typesKeypadDigits = true
    reader.terminator = .keypadEnter
    let reports = try reader.bootReports(typing: "AbZ0917")
    #expect(reports[0] == [0x02, 0, 0x04, 0, 0, 0, 0, 0])
    #expect(reports[6] == [0, 0, 0x62, 0, 0, 0, 0, 0])
    #expect(reports.last == [0, 0, 0, 0, 0, 0, 0, 0])
    #expect(reports[reports.count - 2] == [0, 0, 0x58, 0, 0, 0, 0, 0])
    #expect(try readBootReports(reports) == [.badge("AbZ0917")])
  }

  @Test func twoCardsInARowAndAnOverLongOneBetween() throws {
    let reader = BadgeReaderModel()
    let reports =
      try reader.bootReports(typing: "12345678") + reader.bootReports(typing: "123456789")
      + reader.bootReports(typing: "87654321")
    #expect(
      try readBootReports(reports, maximumLength: 8) == [
        .badge("12345678"), .rejected(.tooLong(length: 9, limit: 8)), .badge("87654321"),
      ])
  }

  @Test func garbageBeforeACardNeverCrashesAndTheCardStillReads() throws {
    var generator = SeededRandom(seed: 0xCA_4D)
    var decoder = HIDKeyboardDecoder()
    var assembler = BadgeAssembler()
    var garbageOutputs = 0
    for index in 0..<5_000 {
      let bytes = (0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      for key in (try? decoder.decode(bytes)) ?? [] {
        if assembler.accept(key, at: Double(index) * 0.004) != nil { garbageOutputs += 1 }
      }
    }
    #expect(garbageOutputs > 0)
    // A reader's all-released report clears whatever the garbage left held.
    _ = try decoder.decode([0, 0, 0, 0, 0, 0, 0, 0])
    var outputs: [BadgeAssembler.Output] = []
    for (index, report) in try BadgeReaderModel().bootReports(typing: "0004567890").enumerated() {
      for key in try decoder.decode(report) {
        if let output = assembler.accept(key, at: 5000 + Double(index) * 0.004) { outputs.append(output) }
      }
    }
    // A partial line the garbage left behind is dropped by the gap, never glued to the card.
    #expect(outputs.last == .badge("0004567890"))
    #expect(outputs.dropLast().allSatisfy { if case .rejected = $0 { true } else { false } })
  }

  @Test func theEvdevStreamCarriesScanCodesKeysAndSyncs() throws {
    let events = try BadgeReaderModel().evdevEvents(typing: "A", startingAt: 1_700_000_000.5)
      .map { bytes throws(EvdevKeyEvent.DecodeError) in try EvdevKeyEvent(bytes: bytes) }
    #expect(events.allSatisfy { $0.seconds == 1_700_000_000 })
    // Shift down, A down, A up, shift up, Enter down, Enter up: three events each.
    #expect(events.count == 18)
    #expect(events.filter { $0.type == 1 }.map(\.code) == [42, 30, 30, 42, 28, 28])
    #expect(events.filter { $0.type == 1 }.map(\.value) == [1, 1, 0, 0, 1, 0])
    #expect(
      events[0] == EvdevKeyEvent(seconds: 1_700_000_000, microseconds: 500_000, type: 4, code: 4, value: 0x7_00E1))
    #expect(events[2] == EvdevKeyEvent(seconds: 1_700_000_000, microseconds: 500_000, type: 0, code: 0, value: 0))
  }

  /// End to end through the kernel's pipe: the model's input_event bytes go in one end, the
  /// reader's poll/read/decode path reads them out of the other.
  @Test func aCardTypedIntoAPipeReadsBackThroughTheEvdevReader() throws {
    var ends: [Int32] = [-1, -1]
    try #require(pipe(&ends) == 0)
    let reader = try EvdevBadgeReader(adopting: ends[0], name: "pipe:badge", grab: false)
    var typist = BadgeReaderModel()
    typist.keyInterval = 0.003
    let stream =
      try typist.evdevEvents(typing: "0004567890", startingAt: 1_700_000_000)
      + typist.evdevEvents(typing: "Ab12", startingAt: 1_700_000_010)
      // A card pulled away after three digits, then a full one half a second later.
      + Array(typist.evdevEvents(typing: "555", startingAt: 1_700_000_020).dropLast(6))
      + typist.evdevEvents(typing: "4242", startingAt: 1_700_000_021)
    let bytes = stream.flatMap { $0 }
    // Odd-sized writes, so events arrive split across reads.
    for start in stride(from: 0, to: bytes.count, by: 1000) {
      let chunk = bytes[start..<min(start + 1000, bytes.count)]
      let written = chunk.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
      #expect(written == chunk.count)
    }
    close(ends[1])

    var assembler = BadgeAssembler(characterGap: 0.5)
    var outputs: [BadgeAssembler.Output] = []
    var reads = 0
    readLoop: while reads < 100 {
      reads += 1
      do {
        for (key, time) in try reader.readKeys(timeout: .milliseconds(200)) {
          if let output = assembler.accept(key, at: time) { outputs.append(output) }
        }
      } catch {
        #expect(error == .disconnected(path: "pipe:badge"))
        break readLoop
      }
    }
    #expect(reads > 2)
    #expect(outputs == [.badge("0004567890"), .badge("Ab12"), .rejected(.abandoned(length: 3)), .badge("4242")])
  }
}
