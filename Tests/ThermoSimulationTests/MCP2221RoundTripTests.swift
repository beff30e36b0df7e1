import Testing
import ThermoDevices

@testable import ThermoSimulation

/// The driver's state machine against the simulated chip and sensor: the same bytes a real
/// MCP2221A would see and send.
@Suite struct MCP2221RoundTripTests {
  /// Runs one word read to its end; also returns every OUT report sent.
  func readWord(
    _ chip: inout MCP2221Model, command: UInt8 = 0x07, policy: MLX90614.PECPolicy = .reject, maximumPolls: Int = 20
  ) -> (result: MCP2221WordRead.Action, sent: [[UInt8]]) {
    var read = MCP2221WordRead(address: 0x5A, command: command, pecPolicy: policy, maximumPolls: maximumPolls)
    var action = read.start()
    var sent: [[UInt8]] = []
    while case .send(let out) = action {
      sent.append(out)
      guard let reply = chip.answer(out) else { return (.failed(.protocolMisuse), sent) }
      action = read.receive(reply)
    }
    return (action, sent)
  }

  @Test func objectAndAmbientTemperaturesComeBackThroughTheBridge() throws {
    var chip = MCP2221Model(sensor: MLX90614Model(objectC: 36.55, ambientC: 23.41))
    chip.pollsBeforeReady = 2
    let object = readWord(&chip, command: 0x07)
    guard case .finished(let word, true) = object.result else {
      Issue.record("object read failed: \(object.result)")
      return
    }
    #expect(abs(try MLX90614.celsius(fromTemperatureWord: word) - 36.55) <= 0.0101)
    #expect(object.sent.map { $0[0] } == [0x94, 0x93, 0x40, 0x40, 0x40, 0x10])
    guard case .finished(let ambient, true) = readWord(&chip, command: 0x06).result else {
      Issue.record("ambient read failed")
      return
    }
    #expect(abs(try MLX90614.celsius(fromTemperatureWord: ambient) - 23.41) <= 0.0101)
  }

  @Test func anAbsentSensorIsANackAndTheEngineIsLeftClean() {
    var chip = MCP2221Model(sensor: nil)
    let absent = readWord(&chip)
    #expect(absent.result == .failed(.bridge(.addressNotAcknowledged(engineState: 0x25))))
    #expect(absent.sent.last == MCP2221Report.cancel)
    chip.sensor = MLX90614Model(objectC: 35.0, ambientC: 22.0)
    guard case .finished = readWord(&chip).result else {
      Issue.record("the read after a cancelled one should succeed")
      return
    }
  }

  @Test func sensorFaultsReachTheDriverAsTypedErrors() {
    var flagged = MCP2221Model(sensor: MLX90614Model(objectC: 35.0, ambientC: 22.0))
    flagged.sensor?.errorFlag = true
    guard case .finished(let word, true) = readWord(&flagged).result else {
      Issue.record("the flagged word should still arrive")
      return
    }
    #expect(throws: MLX90614.WordError.errorFlag(word: word)) { try MLX90614.celsius(fromTemperatureWord: word) }

    var noisy = MCP2221Model(sensor: MLX90614Model(objectC: 35.0, ambientC: 22.0))
    noisy.sensor?.corruptsPEC = true
    guard case .failed(.sensor(.pecMismatch)) = readWord(&noisy).result else {
      Issue.record("a corrupt PEC must be rejected under .reject")
      return
    }
    guard case .finished(_, false) = readWord(&noisy, policy: .accept).result else {
      Issue.record("a corrupt PEC is reported, not fatal, under .accept")
      return
    }
  }

  @Test func aStuckBusTimesOutAndASlowOneRunsOutOfPolls() {
    var stuck = MCP2221Model(sensor: MLX90614Model(objectC: 35.0, ambientC: 22.0))
    stuck.stuckState = 0x62
    #expect(readWord(&stuck).result == .failed(.bridge(.busTimeout(engineState: 0x62))))
    // A cancel does not free a stuck bus (reference §1.7); a power cycle does.
    #expect(readWord(&stuck).result == .failed(.bridge(.busTimeout(engineState: 0x62))))
    stuck.stuckState = nil
    guard case .finished = readWord(&stuck).result else {
      Issue.record("the bus should work after the power cycle")
      return
    }

    var slow = MCP2221Model(sensor: MLX90614Model(objectC: 35.0, ambientC: 22.0))
    slow.pollsBeforeReady = 10
    #expect(readWord(&slow, maximumPolls: 3).result == .failed(.bridge(.dataNotReady(polls: 3))))
  }

  @Test func aTransferStartedWhileAReadIsPendingIsRefusedAsBusy() {
    var chip = MCP2221Model(sensor: MLX90614Model(objectC: 35.0, ambientC: 22.0))
    chip.pollsBeforeReady = 5
    var first = MCP2221WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    guard case .send(let write) = first.start(), let written = chip.answer(write),
      case .send(let read) = first.receive(written), let reading = chip.answer(read),
      case .send = first.receive(reading)
    else {
      Issue.record("the first read should be under way")
      return
    }
    var second = MCP2221WordRead(address: 0x5A, command: 0x06, pecPolicy: .reject)
    guard case .send(let secondWrite) = second.start(), let refused = chip.answer(secondWrite) else {
      Issue.record("no reply")
      return
    }
    #expect(refused[1] == 0x01)
    #expect(second.receive(refused) == .send(MCP2221Report.cancel))
  }
}
