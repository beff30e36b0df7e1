import Testing
import ThermoDevices

@testable import ThermoSimulation

/// The usbredir exposure as QEMU's side sees it: hellos with 32-bit ids, then 64-bit ids,
/// enumeration answered from the layout, HID transfers reaching the same device models the
/// in-process transports use.
@Suite struct USBRedirDeviceTests {
  typealias Packet = USBRedirDevice.Packet

  /// Splits what the device sent into packets (16-byte headers once `longIDs`).
  func packets(_ bytes: [UInt8], longIDs: Bool) -> [Packet] {
    var rest = bytes
    var result: [Packet] = []
    let headerLength = longIDs ? 16 : 12
    while rest.count >= headerLength {
      let type = USBRedirDevice.uint32(rest, 0)
      let length = Int(USBRedirDevice.uint32(rest, 4))
      let id = UInt64(USBRedirDevice.uint32(rest, 8))
      guard let kind = USBRedirDevice.PacketType(rawValue: type) else { break }
      let body = Array(rest[headerLength..<(headerLength + length)])
      result.append(
        Packet(
          kind, id: id, header: Array(body.prefix(kind.headerLength)), data: Array(body.dropFirst(kind.headerLength))))
      rest.removeFirst(headerLength + length)
    }
    return result
  }

  /// QEMU's hello: a version string and its capabilities (all we need and more).
  func peerHello() -> [UInt8] {
    var version = Array("qemu usb-redir guest 7.2".utf8)
    version += [UInt8](repeating: 0, count: 64 - version.count)
    return Packet(.hello, header: version, data: Packet.little(0xFF)).bytes(longIDs: false)
  }

  func control(_ requestType: UInt8, _ request: UInt8, value: UInt16, index: UInt16, length: UInt16, id: UInt64)
    -> [UInt8]
  {
    Packet(
      .controlPacket, id: id,
      header: [0x80 & requestType, request, requestType, 0] + USBDeviceLayout.little(value)
        + USBDeviceLayout.little(index) + USBDeviceLayout.little(length)
    ).bytes(longIDs: true)
  }

  func connected(_ device: inout USBRedirDevice) throws -> [Packet] {
    let hello = packets(device.hello(), longIDs: false)
    #expect(hello.map(\.type) == [.hello])
    #expect(
      USBRedirDevice.uint32(hello[0].data, 0) & 0x72 == 0x72,
      "device version, max packet size, 64-bit ids, 32-bit bulk length")
    return packets(try device.receive(peerHello()), longIDs: true)
  }

  @Test func afterTheHellosTheDeviceAnnouncesItsInterfacesEndpointsAndItself() throws {
    var device = USBRedirDevice(layout: .mcp2221a(serial: "X1"), function: .interrupt(MCP2221Model(sensor: nil)))
    let announced = try connected(&device)
    #expect(announced.map(\.type) == [.interfaceInfo, .endpointInfo, .deviceConnect])
    let interfaces = announced[0].header
    #expect(USBRedirDevice.uint32(interfaces, 0) == 3)
    #expect(Array(interfaces[36..<39]) == [0x02, 0x0A, 0x03], "CDC control, CDC data, HID")
    let endpoints = announced[1].header
    // Index ((address & 0x80) >> 3) | (address & 0x0F): 0x83 → 19, 0x03 → 3, 0x02 → 2.
    #expect(endpoints[19] == 3 && endpoints[3] == 3 && endpoints[2] == 2 && endpoints[18] == 2)
    #expect(endpoints[64 + 19] == 2, "the HID interface owns 0x83")
    let connect = announced[2].header
    #expect(Array(connect[4..<8]) == [0xD8, 0x04, 0xDD, 0x00], "04d8:00dd")
    #expect(connect[1] == 0xEF, "composite with an interface association")
  }

  @Test func descriptorsAreServedAndUnknownRequestsStall() throws {
    var device = USBRedirDevice(layout: .mcp2221a(serial: "HIL0001"), function: .interrupt(MCP2221Model(sensor: nil)))
    _ = try connected(&device)
    let replies = packets(
      try device.receive(
        control(0x80, 0x06, value: 0x0100, index: 0, length: 64, id: 7)
          + control(0x80, 0x06, value: 0x0200, index: 0, length: 255, id: 8)
          + control(0x80, 0x06, value: 0x0303, index: 0x0409, length: 255, id: 9)
          + control(0x81, 0x06, value: 0x2200, index: 2, length: 255, id: 10)
          + control(0x80, 0x06, value: 0x0600, index: 0, length: 10, id: 11)),
      longIDs: true)
    #expect(replies.map(\.id) == [7, 8, 9, 10, 11])
    #expect(replies[0].data == USBDeviceLayout.mcp2221a(serial: "HIL0001").deviceDescriptor)
    #expect(replies[0].data.count == 18)
    let configuration = replies[1].data
    #expect(Int(configuration[2]) | Int(configuration[3]) << 8 == configuration.count, "wTotalLength")
    #expect(configuration.contains(0x0B), "an interface association descriptor")
    #expect(
      String(decoding: stride(from: 2, to: replies[2].data.count, by: 2).map { replies[2].data[$0] }, as: UTF8.self)
        == "HIL0001")
    #expect(replies[3].data == USBDeviceLayout.vendorReportDescriptor())
    #expect(replies[4].header[3] == 4, "no device qualifier: a full-speed device stalls it")
  }

  @Test func anInterruptCommandIsAnsweredByTheModelOnceTheHostReceives() throws {
    var sensor = MLX90614Model(objectC: 36.5, ambientC: 22)
    sensor.objectC = 36.5
    var device = USBRedirDevice(layout: .mcp2221a(serial: nil), function: .interrupt(MCP2221Model(sensor: sensor)))
    _ = try connected(&device)
    // A status command (0x10) before the host polls the IN endpoint: acknowledged, reply held.
    var command = [UInt8](repeating: 0, count: 64)
    command[0] = 0x10
    let out = packets(
      try device.receive(
        Packet(.interruptPacket, id: 21, header: [0x03, 0, 64, 0], data: command).bytes(longIDs: true)),
      longIDs: true)
    #expect(out.count == 1)
    #expect(out[0].id == 21 && out[0].header[1] == 0 && out[0].data.isEmpty)
    let started = packets(
      try device.receive(Packet(.startInterruptReceiving, id: 22, header: [0x83]).bytes(longIDs: true)), longIDs: true)
    #expect(started.map(\.type) == [.interruptReceivingStatus, .interruptPacket])
    let reply = started[1]
    #expect(reply.header[0] == 0x83 && reply.data.count == 64)
    #expect(reply.data[0] == 0x10 && reply.data[1] == 0x00, "the chip's status reply: command echoed, success")
  }

  @Test func theRelayBoardIsDrivenByFeatureReportsOnTheControlEndpoint() throws {
    var device = USBRedirDevice(
      layout: .usbRelay(channels: 2), function: .control(USBRelayModel(serial: "GATE1", channelCount: 2)))
    _ = try connected(&device)
    // SET_REPORT feature: 0xFF = relay on, channel 2.
    let set = Packet(
      .controlPacket, id: 31,
      header: [0x00, 0x09, 0x21, 0] + USBDeviceLayout.little(0x0300) + USBDeviceLayout.little(0)
        + USBDeviceLayout.little(8), data: [0xFF, 0x02, 0, 0, 0, 0, 0, 0])
    let acknowledged = packets(try device.receive(set.bytes(longIDs: true)), longIDs: true)
    #expect(acknowledged.first?.header[3] == 0)
    guard case .control(let model as USBRelayModel) = device.function else {
      Issue.record("the relay model is gone")
      return
    }
    #expect(model.isOn(2) && !model.isOn(1))
    let state = packets(
      try device.receive(control(0xA1, 0x01, value: 0x0300, index: 0, length: 8, id: 32)), longIDs: true)
    #expect(Array(state[0].data.prefix(5)) == Array("GATE1".utf8))
    #expect(state[0].data[7] == 0b10)
  }

  @Test func aResetDropsWhatWasQueuedAndAnOutRequestGetsNoData() throws {
    var device = USBRedirDevice(layout: .mcp2221a(serial: nil), function: .interrupt(MCP2221Model(sensor: nil)))
    _ = try connected(&device)
    var command = [UInt8](repeating: 0, count: 64)
    command[0] = 0x10
    _ = try device.receive(
      Packet(.interruptPacket, id: 1, header: [0x03, 0, 64, 0], data: command).bytes(longIDs: true))
    _ = try device.receive(Packet(.reset).bytes(longIDs: true))
    let started = packets(
      try device.receive(Packet(.startInterruptReceiving, id: 2, header: [0x83]).bytes(longIDs: true)), longIDs: true)
    #expect(started.map(\.type) == [.interruptReceivingStatus], "no reply from before the reset")
    // SET_LINE_CODING (OUT, 7 bytes): acknowledged with its length, no data back.
    let lineCoding = Packet(
      .controlPacket, id: 3,
      header: [0x00, 0x20, 0x21, 0] + USBDeviceLayout.little(0) + USBDeviceLayout.little(0) + USBDeviceLayout.little(7),
      data: [0x80, 0x25, 0, 0, 0, 0, 8])
    let reply = packets(try device.receive(lineCoding.bytes(longIDs: true)), longIDs: true)
    #expect(reply.first?.data.isEmpty == true)
    #expect(reply.first.map { Array($0.header[8...9]) } == [7, 0])
  }

  @Test func aLongBulkWriteIsAcknowledgedWithItsLengthSplitNotACrash() throws {
    var device = USBRedirDevice(layout: .mcp2221a(serial: nil), function: .interrupt(MCP2221Model(sensor: nil)))
    _ = try connected(&device)
    let data = [UInt8](repeating: 0x55, count: 70_000)
    let write = Packet(.bulkPacket, id: 4, header: [0x02, 0, 0x70, 0x11, 0, 0, 0, 0, 0x01, 0], data: data)
    let reply = packets(try device.receive(write.bytes(longIDs: true)), longIDs: true)
    let header = try #require(reply.first?.header)
    let length = Int(header[2]) | Int(header[3]) << 8 | Int(header[8]) << 16 | Int(header[9]) << 24
    #expect(length == 70_000)
  }

  @Test func garbageFromThePeerIsAnErrorNotACrash() throws {
    var device = USBRedirDevice(layout: .cp2112(serial: nil), function: .interrupt(MCP2221Model(sensor: nil)))
    _ = try connected(&device)
    #expect(throws: USBRedirError.self) {
      _ = try device.receive(Packet.little(0xDEAD) + Packet.little(0) + [UInt8](repeating: 0, count: 8))
    }
  }
}
