import Testing
import ThermoDevices

@testable import ThermoSimulation

@Suite struct CP2112Tests {
  func report(_ bytes: [UInt8]) -> [UInt8] { bytes + [UInt8](repeating: 0, count: 64 - bytes.count) }

  @Test func theWorkedExampleByteForByte() {
    var read = CP2112WordRead(address: 0x5A, command: 0x07, pecPolicy: .reject)
    #expect(read.start() == .send(report([0x11, 0xB4, 0x00, 0x03, 0x01, 0x07])))
    #expect(read.next(after: nil) == .exchange(report([0x15, 0x01])))
    #expect(
      read.next(after: report([0x16, 0x02, 0x05, 0x00, 0x00, 0x00, 0x03])) == .exchange(report([0x12, 0x00, 0x03])))
    #expect(read.next(after: report([0x13, 0x02, 0x03, 0xC6, 0x3C, 0x21])) == .drain)
    #expect(read.next(after: report([0x13, 0x00, 0x00])) == .finished(word: 0x3CC6, pecMatched: true))
  }

  typealias Device = MLX90614Thermometer<CP2112Bridge<SimulatedReportTransport<CP2112Model>>>

  func thermometer(_ configure: (inout CP2112Model) -> Void = { _ in }) -> Device {
    var model = CP2112Model(sensor: MLX90614Model(objectC: 37.2, ambientC: 21.6))
    configure(&model)
    return MLX90614Thermometer(bridge: CP2112Bridge(transport: SimulatedReportTransport(model: model)))
  }

  @Test func samplesComeThroughTheSimulatedChipAndTheTrailingReportIsDrained() throws {
    var device = thermometer { $0.busyPolls = 2 }
    let first = try device.readSample(at: 10)
    #expect(abs(first.objectC - 37.2) <= 0.0101)
    #expect(abs(first.ambientC - 21.6) <= 0.0101)
    // A second sample still lines up: no stale `13 00 00` answers its status request.
    let second = try device.readSample(at: 11)
    #expect(abs(second.objectC - 37.2) <= 0.0101)
    let ids = device.bridge.transport.sentReports.prefix(6).map { $0[0] }
    #expect(ids == [0x11, 0x15, 0x15, 0x15, 0x12, 0x11])
  }

  @Test func chipStatusesBecomeDistinctErrors() {
    var absent = thermometer { $0.sensor = nil }
    #expect(throws: BridgeError.cp2112(.bridge(.addressNotAcknowledged))) { try absent.readSample(at: 0) }
    var heldBus = thermometer { $0.busNotFree = true }
    #expect(throws: BridgeError.cp2112(.bridge(.busNotFree))) { try heldBus.readSample(at: 0) }
    var slow = thermometer { $0.busyPolls = 50 }
    #expect(throws: BridgeError.cp2112(.bridge(.stillBusy(polls: 10)))) { try slow.readSample(at: 0) }
    #expect(slow.bridge.transport.sentReports.last == CP2112Report.cancel)
  }

  @Test func aLostReplyTimesOutCancelsAndTheNextReadWorks() throws {
    var device = thermometer()
    device.bridge.transport.lateReplies = 2  // the request has none; the first status reply comes late
    #expect(throws: BridgeError.transport(.timeout)) { try device.readSample(at: 0) }
    #expect(device.bridge.transport.sentReports.last == CP2112Report.cancel)
    #expect(abs(try device.readSample(at: 1).objectC - 37.2) <= 0.0101)
  }

  @Test func aCorruptPECFromTheSensorIsRejected() {
    var device = thermometer { $0.sensor?.corruptsPEC = true }
    guard
      case .cp2112(.sensor(.pecMismatch)) = Result(catching: { () throws(BridgeError) in try device.readSample(at: 0) })
        .failure
    else {
      Issue.record("a corrupt PEC must be rejected")
      return
    }
  }

  @Test func lateRepliesNeverSwapObjectAndAmbient() throws {
    var device = thermometer()
    device.bridge.transport.model.sensor?.corruptsPEC = true
    _ = try? device.readSample(at: 0)  // fails on the PEC; the trailing report is still drained
    device.bridge.transport.model.sensor?.corruptsPEC = false
    device.bridge.transport.lateReplies = 3
    _ = try? device.readSample(at: 1)  // times out; its replies arrive during the next sample
    for time in 2..<6 {
      let sample = try device.readSample(at: Double(time))
      #expect(abs(sample.objectC - 37.2) <= 0.0101)
      #expect(abs(sample.ambientC - 21.6) <= 0.0101)
    }
  }

  /// A chip that answers every force-send with an empty, still-busy response.
  struct ShortAnswering: ReportDeviceModel {
    mutating func handle(_ out: [UInt8]) -> [[UInt8]] {
      switch out[0] {
      case 0x15: [CP2112Report.make(.transferStatusResponse, [0x02, 0x05, 0, 0, 0, 3])]
      case 0x12: [CP2112Report.make(.dataReadResponse, [0x01, 0x00])]
      default: []
      }
    }
  }

  @Test func forceSendsAreCapped() {
    var bridge = CP2112Bridge(transport: SimulatedReportTransport(model: ShortAnswering()))
    #expect(throws: BridgeError.cp2112(.bridge(.wrongLength(expected: 3, received: 0)))) {
      try bridge.readWord(address: 0x5A, command: 0x07, pecPolicy: .reject)
    }
    #expect(bridge.transport.sentReports.filter { $0[0] == 0x12 }.count == CP2112WordRead.maximumForceSends)
  }
}

extension Result {
  var failure: Failure? {
    if case .failure(let error) = self { return error }
    return nil
  }
}
