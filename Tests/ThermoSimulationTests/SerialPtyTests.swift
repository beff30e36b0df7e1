import Foundation
import Testing
import ThermoDevices

@testable import ThermoSimulation

/// The serial drivers over real pseudo-terminals: real termios, real file descriptors, the
/// simulator on its own thread at the far end.
@Suite(.timeLimit(.minutes(1))) struct SerialPtyTests {
  @Test func pyroUSBReadsThroughARealPty() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.7, sensorC: 24.1))
    let port = try SerialPort(path: host.path, settings: SerialSettings(baud: 9600))
    var pyrometer = PyroUSBThermometer(stream: port, replyTimeout: .milliseconds(500))
    let sample = try pyrometer.readSample(at: 1)
    #expect(sample.objectC == 36.7)
    #expect(sample.ambientC == 24.1)
    host.update { $0.objectC = 38.2 }
    #expect(try pyrometer.readSample(at: 2).objectC == 38.2)
    #expect(host.commandsHandled == 2)
  }

  @Test func optrisSetsAndReadsEmissivityThroughARealPty() throws {
    var model = OptrisModel(targetC: 35.9, headC: 22.5)
    model.requiresChecksum = true
    let host = try PtyDeviceHost(model: model)
    let port = try SerialPort(path: host.path, settings: SerialSettings(baud: 115200))
    var head = OptrisThermometer(stream: port, family: .ct, replyTimeout: .milliseconds(500))
    try head.setEmissivity(0.98)
    #expect(try head.emissivity() == 0.98)
    #expect(host.model.emissivity == 0.98)
    let sample = try head.readSample(at: 3)
    #expect(sample.objectC == 35.9)
    #expect(sample.ambientC == 22.5)
  }

  @Test func lineNoiseBeforeAReplyIsDiscardedAndTheNextReadingIsRight() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    var pyrometer = PyroUSBThermometer(
      stream: try SerialPort(path: host.path), replyTimeout: .milliseconds(500))
    host.inject([0x55, 0xAA, 0x01, 0x03])
    // Give the noise time to reach the line before the request goes out.
    Thread.sleep(forTimeInterval: 0.1)
    #expect(try pyrometer.readSample(at: 1).objectC == 36.1)
  }

  @Test func aSilentDeviceTimesOutAndTheLineStaysUsable() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    let port = try SerialPort(path: host.path)
    #expect(throws: TransportError.timeout) { try port.read(count: 1, timeout: .milliseconds(50)) }
    host.inject([1, 2, 3])
    #expect(try port.read(count: 2, timeout: .milliseconds(500)) == [1, 2])
    // The third byte waits for the next read instead of being lost.
    #expect(throws: TransportError.timeout) { try port.read(count: 2, timeout: .milliseconds(50)) }
    #expect(try port.read(count: 1, timeout: .milliseconds(50)) == [3])
  }

  @Test func unpluggingMidSessionIsADisconnectNotAHang() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    var pyrometer = PyroUSBThermometer(
      stream: try SerialPort(path: host.path), replyTimeout: .milliseconds(500))
    _ = try pyrometer.readSample(at: 1)
    host.unplug()
    Thread.sleep(forTimeInterval: 0.1)
    #expect(throws: PyroUSBError.transport(.disconnected)) { try pyrometer.readSample(at: 2) }
  }

  @Test func aSecondOpenOfTheSameLineIsRefusedAsBusy() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    let first = try SerialPort(path: host.path)
    #expect(throws: SerialPortError.busy(path: host.path)) { _ = try SerialPort(path: host.path) }
    first.close()
    _ = try SerialPort(path: host.path)
  }

  @Test func openErrorsNameThePathAndTheCause() throws {
    #expect(throws: SerialPortError.open(path: "/dev/thermogate-missing", .noSuchFileOrDirectory)) {
      _ = try SerialPort(path: "/dev/thermogate-missing")
    }
    #expect(throws: SerialPortError.notATerminal(path: "/dev/null")) { _ = try SerialPort(path: "/dev/null") }
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    #expect(throws: SerialPortError.unsupportedBaud(path: host.path, baud: 12345)) {
      _ = try SerialPort(path: host.path, settings: SerialSettings(baud: 12345))
    }
    #expect(SerialPortError.busy(path: "/dev/x").description.contains("another process"))
  }

  @Test func aPtyHasNoModemLinesAndDTRIsSkippedThere() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    let port = try SerialPort(path: host.path, settings: SerialSettings(dtr: .assert))
    #expect(!port.hasModemControl)
  }
}

/// Every driver, held as `any Thermometer`, reports the same fault kinds.
@Suite struct ThermometerFaultTests {
  @Test func faultsAreSortedIntoKindsTheOperatorTellsApart() throws {
    var unplugged = SimulatedByteStream(model: PyroUSBModel(objectC: 36, sensorC: 22))
    unplugged.isUnplugged = true
    var devices: [(any Thermometer, DeviceFault.Kind)] = [
      (PyroUSBThermometer(stream: unplugged), .disconnected),
      (OptrisThermometer(stream: SimulatedByteStream(model: SilentModel())), .timeout),
    ]
    var corrupt = PyroUSBModel(objectC: 36, sensorC: 22)
    corrupt.corruptsCRC = true
    devices.append((PyroUSBThermometer(stream: SimulatedByteStream(model: corrupt)), .protocolError))
    var sensor = MLX90614Model(objectC: 36, ambientC: 22)
    sensor.corruptsPEC = true
    devices.append(
      (
        MLX90614Thermometer(
          bridge: MCP2221Bridge(transport: SimulatedReportTransport(model: MCP2221Model(sensor: sensor)))),
        .protocolError
      ))
    for index in devices.indices {
      #expect(throws: DeviceFault.self) { try devices[index].0.sample(at: 0) }
      do {
        _ = try devices[index].0.sample(at: 0)
      } catch {
        #expect(error.kind == devices[index].1, "\(error)")
      }
    }
    #expect(
      DeviceFault(.usb(USBError(status: -3, operation: "open"))).kind == .access)
    #expect(DeviceFault(.usb(USBError(status: -6, operation: "claim"))).kind == .busy)
    #expect(DeviceFault(.usb(USBError(status: -4, operation: "read"))).kind == .disconnected)
  }
}

struct SilentModel: ByteStreamDeviceModel {
  mutating func handle(_ bytes: [UInt8]) -> [UInt8] { [] }
}

/// The PyroUSB's documented reply delay (reference §6: about 20 ms) over a real pty.
@Suite(.timeLimit(.minutes(1))) struct PyroUSBReplyDelayTests {
  @Test func aDriverThatGivesUpTooSoonRecoversOnceItWaitsLongEnough() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 37.1, sensorC: 23.0), replyDelay: .milliseconds(20))
    var impatient = PyroUSBThermometer(stream: try SerialPort(path: host.path), replyTimeout: .milliseconds(2))
    #expect(throws: PyroUSBError.transport(.timeout)) { try impatient.readSample(at: 1) }
    // The late reply is on the line now; the next read must not take it for its own.
    Thread.sleep(forTimeInterval: 0.05)
    host.update { $0.objectC = 38.4 }
    impatient.stream.close()
    var patient = PyroUSBThermometer(stream: try SerialPort(path: host.path), replyTimeout: .milliseconds(200))
    #expect(try patient.readSample(at: 2).objectC == 38.4)
  }
}

/// Found in review: unread noise filled the pty and the simulator's thread quit for good.
@Suite(.timeLimit(.minutes(1))) struct PtyFloodTests {
  @Test func aLineNobodyReadsDoesNotKillTheSimulator() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    for _ in 0..<100 { host.inject([UInt8](repeating: 0x55, count: 1024)) }
    Thread.sleep(forTimeInterval: 0.3)
    // Opening flushes the noise (tcflush); the device must still be there to answer.
    var pyrometer = PyroUSBThermometer(stream: try SerialPort(path: host.path), replyTimeout: .milliseconds(500))
    #expect(try pyrometer.readSample(at: 1).objectC == 36.1)
  }

  @Test func closingAnExclusiveLineReleasesItForTheNextOpen() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 36.1, sensorC: 23.0))
    for _ in 0..<3 {
      var pyrometer = PyroUSBThermometer(stream: try SerialPort(path: host.path), replyTimeout: .milliseconds(500))
      #expect(try pyrometer.readSample(at: 1).objectC == 36.1)
      pyrometer.stream.close()
    }
  }
}
