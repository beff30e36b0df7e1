import Testing
import ThermoDevices

@testable import ThermoSimulation

@Suite struct PyroUSBTests {
  @Test func modbusFramingMatchesTheWorkedExamples() throws {
    #expect(ModbusRTU.frame([0x01, 0x03, 0x00, 0x00, 0x00, 0x0A]).suffix(2) == [0xC5, 0xCD])
    #expect(
      ModbusRTU.readRequest(address: 1, function: .readHoldingRegisters, register: 0x12, count: 1) == [
        0x01, 0x03, 0x00, 0x12, 0x00, 0x01, 0x24, 0x0F,
      ])
    #expect(try ModbusRTU.checkedBody([0x01, 0x03, 0x02, 0x01, 0x75, 0x78, 0x33]) == [0x01, 0x03, 0x02, 0x01, 0x75])
    #expect(PyroUSBThermometer<SimulatedByteStream<PyroUSBModel>>.celsius(0x0175) == 37.3)
    #expect(
      ModbusRTU.writeRequest(address: 1, register: 0x18, value: 0x2648) == [
        0x01, 0x06, 0x00, 0x18, 0x26, 0x48, 0x13, 0x9B,
      ])
    #expect(ModbusRTU.frame([0x01, 0x83, 0x02]) == [0x01, 0x83, 0x02, 0xC0, 0xF1])
    #expect(throws: ModbusRTU.Failure.crcMismatch(expected: 0x3378, received: 0x3379)) {
      try ModbusRTU.checkedBody([0x01, 0x03, 0x02, 0x01, 0x75, 0x79, 0x33])
    }
    #expect(PyroUSBThermometer<SimulatedByteStream<PyroUSBModel>>.celsius(0xFF9C) == -10.0)
  }

  func thermometer(_ configure: (inout PyroUSBModel) -> Void = { _ in }) -> PyroUSBThermometer<
    SimulatedByteStream<PyroUSBModel>
  > {
    var model = PyroUSBModel(objectC: 36.7, sensorC: 24.1)
    configure(&model)
    return PyroUSBThermometer(stream: SimulatedByteStream(model: model))
  }

  @Test func aSampleReadsObjectSensorAndStatusInOneRequest() throws {
    var device = thermometer()
    let sample = try device.readSample(at: 5)
    #expect(sample.objectC == 36.7)
    #expect(sample.ambientC == 24.1)
    #expect(!sample.sensorError)
    #expect(
      device.stream.written == [
        ModbusRTU.readRequest(address: 1, function: .readHoldingRegisters, register: 0x12, count: 4)
      ])
    device.stream.model.measurementError = true
    #expect(try device.readSample(at: 6).sensorError)
  }

  @Test func emissivityIsSetInRAMAndEchoed() throws {
    var device = thermometer()
    try device.setSessionEmissivity(0.98)
    #expect(device.stream.written.last == [0x01, 0x06, 0x00, 0x18, 0x26, 0x48, 0x13, 0x9B])
    #expect(device.stream.model.emissivity == 0.98)
  }

  @Test func exceptionsNoiseAndSilenceAreTypedErrors() {
    var device = thermometer()
    #expect(throws: PyroUSBError.modbus(.exception(function: 0x03, code: 2))) { try device.read(.sensorType, count: 3) }
    var noisy = thermometer { $0.corruptsCRC = true }
    guard
      case .modbus(.crcMismatch) = Result(catching: { () throws(PyroUSBError) in try noisy.readSample(at: 0) }).failure
    else {
      Issue.record("a corrupt CRC must be refused")
      return
    }
    var elsewhere = thermometer { $0.address = 7 }
    #expect(throws: PyroUSBError.transport(.timeout)) { try elsewhere.readSample(at: 0) }
    var unplugged = thermometer()
    unplugged.stream.isUnplugged = true
    #expect(throws: PyroUSBError.transport(.disconnected)) { try unplugged.readSample(at: 0) }
  }

  @Test func lineNoiseIsDiscardedAndEmissivityIsRangeChecked() throws {
    var device = thermometer()
    device.stream.inject([0x00, 0xFF, 0x13])
    #expect(try device.readSample(at: 0).objectC == 36.7)
    #expect(throws: PyroUSBError.outOfRange("emissivity nan")) { try device.setSessionEmissivity(.nan) }
    #expect(throws: PyroUSBError.outOfRange("emissivity 1.2")) { try device.setSessionEmissivity(1.2) }
  }
}
