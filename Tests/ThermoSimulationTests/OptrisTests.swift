import Testing
import ThermoDevices

@testable import ThermoSimulation

@Suite struct OptrisTests {
  typealias Device = OptrisThermometer<SimulatedByteStream<OptrisModel>>

  func device(
    targetC: Double = 37.4, headC: Double = 25.0, checksums: Bool = false,
    configure: (inout OptrisModel) -> Void = { _ in }
  ) -> Device {
    var model = OptrisModel(targetC: targetC, headC: headC)
    configure(&model)
    return OptrisThermometer(
      stream: SimulatedByteStream(model: model), resolution: model.highResolution ? .high : .standard,
      checksummedSets: checksums)
  }

  @Test func decodingFollowsTheManualsExamples() throws {
    var standard = device(targetC: 23.5)
    #expect(try standard.celsius(.targetTemperature) == 23.5)
    #expect(standard.stream.written == [[0x01]])
    var body = device(targetC: 37.4)
    let before = body.stream.model.handle([0x01])
    #expect(before == [0x05, 0x5E])  // 37.4 °C as the reference computes it
    var high = device(targetC: 23.5) { $0.highResolution = true }
    #expect(high.stream.model.handle([0x01]) == [0x30, 0x3E])
    #expect(try high.celsius(.targetTemperature) == 23.5)
  }

  @Test func aSampleIsTargetAndHeadTemperature() throws {
    var unit = device(targetC: 36.9, headC: 27.3)
    let sample = try unit.readSample(at: 3)
    #expect(sample.objectC == 36.9)
    #expect(sample.ambientC == 27.3)
    #expect(!sample.sensorError)
    #expect(try unit.serialNumber() == 0x12_3456)
  }

  @Test func emissivityIsSetAndEchoedWithOrWithoutChecksum() throws {
    var plain = device()
    try plain.setEmissivity(0.95)
    #expect(plain.stream.written.last == [0x84, 0x03, 0xB6])
    #expect(try plain.emissivity() == 0.95)

    var checked = device(checksums: true) { $0.requiresChecksum = true }
    try checked.setEmissivity(0.98)
    #expect(checked.stream.written.last == [0x84, 0x03, 0xD4, 0x84 ^ 0x03 ^ 0xD4])
    #expect(checked.stream.model.emissivity == 0.98)
    // Without the checksum a CT head ignores the command: silence, so a timeout.
    var unchecked = device(checksums: false) { $0.requiresChecksum = true }
    #expect(throws: OptrisError.transport(.timeout)) { try unchecked.setEmissivity(0.98) }
    #expect(throws: OptrisError.outOfRange("emissivity 1.5")) { try plain.setEmissivity(1.5) }
  }

  @Test func anUnpluggedHeadIsATransportError() {
    var unit = device()
    unit.stream.isUnplugged = true
    #expect(throws: OptrisError.transport(.disconnected)) { try unit.readSample(at: 0) }
  }

  @Test func ctHeadsGetChecksumsByDefault() throws {
    var model = OptrisModel(targetC: 37, headC: 25)
    model.requiresChecksum = true
    var ct = OptrisThermometer(stream: SimulatedByteStream(model: model), family: .ct)
    try ct.setEmissivity(0.97)
    #expect(ct.stream.model.emissivity == 0.97)
  }

  @Test func aStrayByteOnTheLineDoesNotShiftLaterReadings() throws {
    var unit = device(targetC: 36.9, headC: 27.3)
    unit.stream.inject([0x55])
    let sample = try unit.readSample(at: 0)
    #expect(sample.objectC == 36.9)
    #expect(sample.ambientC == 27.3)
  }
}
