import Testing
import ThermoCore
import ThermoDevices
import ThermoSimulation

@Suite(.timeLimit(.minutes(1))) struct SimulatedThermometerOpenerTests {
  let opener = SimulatedThermometerOpener(hardware: ThermometerOpener(), clock: { 0 })

  @Test(arguments: DeviceAddress.simulatedThermometerKinds)
  func everySimulatedKindReadsTheEmptyEntrance(kind: String) throws {
    var thermometer = try opener.openThermometer(DeviceAddress(parsing: "sim:\(kind)?seed=3"))
    let sample = try thermometer.sample(at: 0)
    // Nobody is at the door at time 0: the sensor sees the background, near room temperature.
    #expect((20...24).contains(sample.objectC), "\(sample)")
    #expect(!sample.sensorError)
  }

  @Test func aSerialHeadIsOpenedOnItsPath() throws {
    let host = try PtyDeviceHost(model: PyroUSBModel(objectC: 35.5, sensorC: 23.5))
    var thermometer = try opener.openThermometer(DeviceAddress(parsing: "pyrousb:\(host.path)?address=1"))
    #expect(try thermometer.sample(at: 1).objectC == 35.5)
  }

  @Test func whatCannotBeOpenedSaysWhyInItsKind() throws {
    func kind(_ address: String) -> DeviceFault.Kind? {
      guard let parsed = try? DeviceAddress(parsing: address) else { return nil }
      do {
        _ = try opener.openThermometer(parsed)
        return nil
      } catch {
        return error.kind
      }
    }
    #expect(kind("sim:thermos") == .protocolError)
    #expect(kind("relay:serial=ABCDE") == .protocolError)
    #expect(kind("pyrousb:/dev/thermogate/missing") == .disconnected)
    #expect(kind("optris:/dev/null") == .protocolError)
    // No USB context given: a USB device cannot be reached from here at all.
    #expect(kind("mcp2221:serial=1") == .io)
  }
}
