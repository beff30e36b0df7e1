/// One simulated USB device on the usbredir protocol (the "usb-host" side; QEMU's `usb-redir`
/// device is the other): the same device models the unit tests drive through our transports,
/// now enumerated and driven by a real kernel in a guest. Pure: bytes in, bytes out, so the
/// protocol is tested without a socket.
///
/// Framing (usbredirproto.h): every packet is a header — type, length of what follows, id —
/// then a type-specific header and data, all little-endian. We offer `connect_device_version`,
/// `ep_info_max_packet_size`, `64bits_ids` and `32bits_bulk_length` (QEMU's xHCI needs the last
/// two): the hellos travel with 32-bit ids (12-byte headers), every later packet with 64-bit
/// ids (16 bytes); a peer without these capabilities is refused.
public struct USBRedirDevice: Sendable {
  /// What answers the device's HID interface.
  public enum HIDFunction: Sendable {
    /// Reports on the interrupt endpoints (MCP2221A, CP2112 data, TEMPer).
    case interrupt(any ReportDeviceModel)
    /// Reports on the control endpoint only (GET/SET_REPORT: the relay board).
    case control(any HIDControlDeviceModel)
  }

  public enum PacketType: UInt32, Sendable {
    case hello = 0
    case deviceConnect = 1
    case deviceDisconnect = 2
    case reset = 3
    case interfaceInfo = 4
    case endpointInfo = 5
    case setConfiguration = 6
    case getConfiguration = 7
    case configurationStatus = 8
    case setAltSetting = 9
    case getAltSetting = 10
    case altSettingStatus = 11
    case startIsoStream = 12
    case stopIsoStream = 13
    case isoStreamStatus = 14
    case startInterruptReceiving = 15
    case stopInterruptReceiving = 16
    case interruptReceivingStatus = 17
    case allocBulkStreams = 18
    case freeBulkStreams = 19
    case bulkStreamsStatus = 20
    case cancelDataPacket = 21
    case filterReject = 22
    case filterFilter = 23
    case deviceDisconnectAck = 24
    case startBulkReceiving = 25
    case stopBulkReceiving = 26
    case bulkReceivingStatus = 27
    case controlPacket = 100
    case bulkPacket = 101
    case isoPacket = 102
    case interruptPacket = 103
    case bufferedBulkPacket = 104

    /// Length of the type-specific header with the capabilities both sides have here.
    var headerLength: Int {
      switch self {
      case .hello: 64
      case .deviceConnect: 10
      case .interfaceInfo: 132
      case .endpointInfo: 160
      case .setConfiguration, .getAltSetting, .stopIsoStream, .startInterruptReceiving, .stopInterruptReceiving: 1
      case .configurationStatus, .setAltSetting, .isoStreamStatus, .interruptReceivingStatus: 2
      case .altSettingStatus, .startIsoStream: 3
      case .allocBulkStreams: 8
      case .freeBulkStreams: 4
      case .bulkStreamsStatus: 9
      case .startBulkReceiving, .bufferedBulkPacket, .controlPacket: 10
      case .stopBulkReceiving: 5
      case .bulkReceivingStatus: 6
      case .bulkPacket: 10
      case .isoPacket, .interruptPacket: 4
      case .deviceDisconnect, .reset, .getConfiguration, .cancelDataPacket, .filterReject, .filterFilter,
        .deviceDisconnectAck:
        0
      }
    }
  }

  public struct Packet: Sendable, Equatable {
    public var type: PacketType
    public var id: UInt64
    public var header: [UInt8]
    public var data: [UInt8]

    public init(_ type: PacketType, id: UInt64 = 0, header: [UInt8] = [], data: [UInt8] = []) {
      self.type = type
      self.id = id
      self.header = header
      self.data = data
    }

    /// The packet on the wire, with a 64-bit id once both sides have said they support them.
    public func bytes(longIDs: Bool) -> [UInt8] {
      let length = UInt32(header.count + data.count)
      let idBytes =
        longIDs ? Self.little(UInt32(id & 0xFFFF_FFFF)) + Self.little(UInt32(id >> 32)) : Self.little(UInt32(id))
      return Self.little(type.rawValue) + Self.little(length) + idBytes + header + data
    }

    static func little(_ value: UInt32) -> [UInt8] {
      [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }
  }

  enum Status: UInt8 {
    case success = 0
    case cancelled = 1
    case invalid = 2
    case ioError = 3
    case stall = 4
  }

  static let capabilityConnectDeviceVersion: UInt32 = 1 << 1
  static let capabilityEndpointMaxPacketSize: UInt32 = 1 << 4
  static let capability64BitIDs: UInt32 = 1 << 5
  static let capability32BitBulkLength: UInt32 = 1 << 6
  static let capabilities =
    capabilityConnectDeviceVersion | capabilityEndpointMaxPacketSize | capability64BitIDs
    | capability32BitBulkLength

  public let layout: USBDeviceLayout
  /// The model behind the HID interface, as the host's requests left it.
  public private(set) var function: HIDFunction
  private var buffer: [UInt8] = []
  private var configuration: UInt8 = 0
  private var receiving: Set<UInt8> = []
  /// IN reports waiting for the host to start receiving on their endpoint.
  private var queued: [UInt8: [[UInt8]]] = [:]
  /// Bulk IN requests (the CDC UART, which has nothing to say) held until cancelled.
  private var pendingBulk: [UInt64: UInt8] = [:]
  /// After the hellos: 16-byte headers with 64-bit ids.
  private var longIDs = false
  private var lineCoding: [UInt8] = [0x80, 0x25, 0, 0, 0, 0, 8]  // 9600 8N1
  public private(set) var isConnected = false
  /// The HID interface the model answers for: the last one (the data interface of a TEMPer,
  /// whose interface 0 is its keyboard).
  private var modelInterface: UInt8 {
    layout.interfaces.last { $0.interfaceClass == 0x03 }?.number ?? 0
  }
  /// Reports an endpoint holds before older ones are dropped (a real one holds about one).
  static let queueLimit = 4
  /// What the host asked, one line per request, for tests and `--verbose`.
  public private(set) var trace: [String] = []
  public var keepsTrace = false

  public init(layout: USBDeviceLayout, function: HIDFunction) {
    self.layout = layout
    self.function = function
  }

  /// Our hello: the first bytes on a new connection.
  public func hello() -> [UInt8] {
    var version = Array("thermogate usbredir 1".utf8)
    version += [UInt8](repeating: 0, count: 64 - version.count)
    return Packet(.hello, header: version, data: Packet.little(Self.capabilities)).bytes(longIDs: false)
  }

  /// Takes bytes from the host; returns what to send back (possibly nothing).
  public mutating func receive(_ bytes: [UInt8]) throws(USBRedirError) -> [UInt8] {
    buffer += bytes
    var output: [UInt8] = []
    while true {
      let headerLength = longIDs ? 16 : 12
      guard buffer.count >= headerLength else { break }
      let typeValue = Self.uint32(buffer, 0)
      let length = Int(Self.uint32(buffer, 4))
      let id =
        longIDs
        ? UInt64(Self.uint32(buffer, 8)) | UInt64(Self.uint32(buffer, 12)) << 32 : UInt64(Self.uint32(buffer, 8))
      guard length <= 1 << 20 else { throw .malformed("packet of \(length) bytes") }
      guard buffer.count >= headerLength + length else { break }
      let body = Array(buffer[headerLength..<(headerLength + length)])
      buffer.removeFirst(headerLength + length)
      guard let type = PacketType(rawValue: typeValue) else {
        throw .malformed("unknown packet type \(typeValue)")
      }
      guard body.count >= type.headerLength else {
        throw .malformed("\(type) packet shorter (\(body.count)) than its header (\(type.headerLength))")
      }
      let packet = Packet(
        type, id: id, header: Array(body.prefix(type.headerLength)), data: Array(body.dropFirst(type.headerLength)))
      for reply in try handle(packet) { output += reply.bytes(longIDs: longIDs) }
    }
    return output
  }

  private mutating func handle(_ packet: Packet) throws(USBRedirError) -> [Packet] {
    switch packet.type {
    case .hello:
      let capabilities = packet.data.count >= 4 ? Self.uint32(packet.data, 0) : 0
      guard capabilities & Self.capabilities == Self.capabilities else {
        throw .unsupportedPeer(String(format: "capabilities %08x", capabilities))
      }
      isConnected = true
      longIDs = true
      return [interfaceInfo(), endpointInfo(), deviceConnect()]
    case .reset:
      // A reset device is unconfigured and its endpoint buffers are empty: nothing queued
      // before it may arrive after it (the MCP2221 has no sequence numbers to tell).
      note("reset")
      receiving = []
      queued = [:]
      configuration = 0
      return []
    case .setConfiguration:
      // One configuration, value 1 (0 unconfigures).
      guard packet.header[0] <= 1 else {
        return [Packet(.configurationStatus, id: packet.id, header: [Status.stall.rawValue, configuration])]
      }
      configuration = packet.header[0]
      note("set configuration \(configuration)")
      return [Packet(.configurationStatus, id: packet.id, header: [Status.success.rawValue, configuration])]
    case .getConfiguration:
      return [Packet(.configurationStatus, id: packet.id, header: [Status.success.rawValue, configuration])]
    case .setAltSetting:
      let status = layout.interface(packet.header[0]) != nil && packet.header[1] == 0 ? Status.success : .stall
      return [Packet(.altSettingStatus, id: packet.id, header: [status.rawValue, packet.header[0], packet.header[1]])]
    case .getAltSetting:
      return [Packet(.altSettingStatus, id: packet.id, header: [Status.success.rawValue, packet.header[0], 0])]
    case .startInterruptReceiving:
      let endpoint = packet.header[0]
      receiving.insert(endpoint)
      note(String(format: "start interrupt receiving 0x%02x", endpoint))
      var replies = [
        Packet(.interruptReceivingStatus, id: packet.id, header: [Status.success.rawValue, endpoint])
      ]
      for report in queued.removeValue(forKey: endpoint) ?? [] { replies.append(interruptIn(endpoint, report)) }
      return replies
    case .stopInterruptReceiving:
      receiving.remove(packet.header[0])
      return [Packet(.interruptReceivingStatus, id: packet.id, header: [Status.success.rawValue, packet.header[0]])]
    case .controlPacket:
      return [control(packet)]
    case .interruptPacket:
      return interruptOut(packet)
    case .bulkPacket:
      return bulk(packet)
    case .cancelDataPacket:
      guard let endpoint = pendingBulk.removeValue(forKey: packet.id) else { return [] }
      return [
        Packet(.bulkPacket, id: packet.id, header: [endpoint, Status.cancelled.rawValue, 0, 0, 0, 0, 0, 0, 0, 0])
      ]
    case .filterFilter, .filterReject, .deviceDisconnectAck, .stopIsoStream, .freeBulkStreams, .stopBulkReceiving:
      return []
    default:
      note("ignored \(packet.type)")
      return []
    }
  }

  // MARK: - Enumeration

  private func interfaceInfo() -> Packet {
    var header = Packet.little(UInt32(layout.interfaces.count))
    let columns: [(USBDeviceLayout.Interface) -> UInt8] = [
      \.number, \.interfaceClass, \.subclass, \.interfaceProtocol,
    ]
    for column in columns {
      var values = layout.interfaces.map(column)
      values += [UInt8](repeating: 0, count: 32 - values.count)
      header += values
    }
    return Packet(.interfaceInfo, header: header)
  }

  /// Endpoint tables indexed by `((address & 0x80) >> 3) | (address & 0x0F)`: entries 0 and 16
  /// are the control endpoint; unused ones are type 255 (invalid).
  private func endpointInfo() -> Packet {
    var types = [UInt8](repeating: 255, count: 32)
    var intervals = [UInt8](repeating: 0, count: 32)
    var interfaces = [UInt8](repeating: 0, count: 32)
    var sizes = [UInt16](repeating: 0, count: 32)
    for index in [0, 16] {
      types[index] = USBDeviceLayout.TransferType.control.rawValue
      sizes[index] = 64
    }
    for interface in layout.interfaces {
      for endpoint in interface.endpoints {
        let index = Int((endpoint.address & 0x80) >> 3 | (endpoint.address & 0x0F))
        types[index] = endpoint.type.rawValue
        intervals[index] = endpoint.interval
        interfaces[index] = interface.number
        sizes[index] = endpoint.maxPacketSize
      }
    }
    return Packet(.endpointInfo, header: types + intervals + interfaces + sizes.flatMap(USBDeviceLayout.little))
  }

  private func deviceConnect() -> Packet {
    // Full speed, as the parts we model are.
    let header: [UInt8] =
      [1, layout.deviceClass, layout.deviceSubclass, layout.deviceProtocol]
      + USBDeviceLayout.little(layout.vendorID) + USBDeviceLayout.little(layout.productID)
      + USBDeviceLayout.little(layout.deviceVersion)
    return Packet(.deviceConnect, header: header)
  }

  // MARK: - Transfers

  private enum ControlOutcome {
    case data([UInt8])
    case acknowledged
    case stalled
  }

  private mutating func control(_ packet: Packet) -> Packet {
    let header = packet.header
    let endpoint = header[0]
    let request = header[1]
    let requestType = header[2]
    let value = UInt16(header[4]) | UInt16(header[5]) << 8
    let index = UInt16(header[6]) | UInt16(header[7]) << 8
    let length = Int(UInt16(header[8]) | UInt16(header[9]) << 8)
    let outcome = controlOutcome(
      request: request, requestType: requestType, value: value, index: index, length: length, data: packet.data)
    note(
      String(format: "control %02x %02x value %04x index %04x length %d → ", requestType, request, value, index, length)
        + "\(outcome)")
    var reply = [endpoint, request, requestType, 0, header[4], header[5], header[6], header[7]]
    // The reply follows the request's direction: data only for an IN request (perhaps none),
    // and for an OUT request only the length it took.
    let isIn = requestType & 0x80 != 0
    switch outcome {
    case .data(let bytes) where isIn:
      let sent = Array(bytes.prefix(length))
      reply[3] = Status.success.rawValue
      return Packet(
        .controlPacket, id: packet.id, header: reply + USBDeviceLayout.little(UInt16(sent.count)), data: sent)
    case .acknowledged where isIn:
      reply[3] = Status.success.rawValue
      return Packet(.controlPacket, id: packet.id, header: reply + [0, 0])
    case .data, .acknowledged:
      reply[3] = Status.success.rawValue
      return Packet(
        .controlPacket, id: packet.id,
        header: reply + USBDeviceLayout.little(UInt16(truncatingIfNeeded: packet.data.count)))
    case .stalled:
      reply[3] = Status.stall.rawValue
      return Packet(.controlPacket, id: packet.id, header: reply + [0, 0])
    }
  }

  private mutating func controlOutcome(
    request: UInt8, requestType: UInt8, value: UInt16, index: UInt16, length: Int, data: [UInt8]
  ) -> ControlOutcome {
    let kind = requestType & 0x60
    let recipient = requestType & 0x1F
    if kind == 0x00 {
      switch (request, recipient) {
      case (0x06, 0):  // GET_DESCRIPTOR
        switch value >> 8 {
        case 1: return .data(layout.deviceDescriptor)
        case 2: return .data(layout.configurationDescriptor)
        case 3: return layout.stringDescriptor(UInt8(value & 0xFF)).map { .data($0) } ?? .stalled
        default: return .stalled  // no qualifier, no BOS: a full-speed device
        }
      case (0x06, 1):  // GET_DESCRIPTOR of an interface: HID
        guard let report = layout.interface(UInt8(index & 0xFF))?.hidReportDescriptor else { return .stalled }
        switch value >> 8 {
        case 0x22: return .data(report)
        case 0x21: return .data(USBDeviceLayout.hidDescriptor(reportLength: report.count))
        default: return .stalled
        }
      case (0x00, _): return .data([0, 0])  // GET_STATUS
      case (0x01, _), (0x03, _): return .acknowledged  // CLEAR/SET_FEATURE
      case (0x08, 0): return .data([configuration])
      case (0x09, 0), (0x0B, 1): return .acknowledged
      case (0x0A, 1): return .data([0])
      default: return .stalled
      }
    }
    guard kind == 0x20, recipient == 1, let interface = layout.interface(UInt8(index & 0xFF)) else { return .stalled }
    if interface.interfaceClass == 0x02 {
      // CDC-ACM on the UART interface: accepted and remembered, nothing behind it.
      switch request {
      case 0x20:
        lineCoding = Array(data.prefix(7))
        return .acknowledged
      case 0x21: return .data(lineCoding)
      case 0x22, 0x23: return .acknowledged
      default: return .stalled
      }
    }
    guard interface.interfaceClass == 0x03 else { return .stalled }
    let reportType = HIDReportType(rawValue: UInt8(value >> 8))
    let reportID = UInt8(value & 0xFF)
    switch request {
    case 0x0A, 0x0B: return .acknowledged  // SET_IDLE, SET_PROTOCOL
    case 0x02: return .data([0])  // GET_IDLE
    case 0x03: return .data([1])  // GET_PROTOCOL: report
    case 0x09:  // SET_REPORT
      switch function {
      case .control(var model):
        guard let reportType else { return .stalled }
        let accepted = model.setReport(type: reportType, id: reportID, data: data)
        function = .control(model)
        return accepted ? .acknowledged : .stalled
      case .interrupt(var model):
        // An output report sent on the control endpoint (hidraw without an OUT endpoint
        // in use): the device takes it as it would on the interrupt endpoint.
        guard reportType == .output else { return .stalled }
        // Only the model's own interface reaches it (a TEMPer's keyboard LEDs do not).
        guard interface.number == modelInterface else { return .acknowledged }
        let replies = model.handle(data)
        function = .interrupt(model)
        queueIn(replies, for: interface)
        return .acknowledged
      }
    case 0x01:  // GET_REPORT
      guard case .control(var model) = function, let reportType else { return .stalled }
      let answer = model.getReport(type: reportType, id: reportID, length: length)
      function = .control(model)
      return answer.map { .data($0) } ?? .stalled
    default:
      return .stalled
    }
  }

  private mutating func interruptOut(_ packet: Packet) -> [Packet] {
    let endpoint = packet.header[0]
    guard endpoint & 0x80 == 0, let (interface, _) = layout.endpoint(endpoint) else {
      return [Packet(.interruptPacket, id: packet.id, header: [endpoint, Status.invalid.rawValue, 0, 0])]
    }
    var replies = [
      Packet(
        .interruptPacket, id: packet.id,
        header: [endpoint, Status.success.rawValue]
          + USBDeviceLayout.little(UInt16(truncatingIfNeeded: packet.data.count)))
    ]
    guard case .interrupt(var model) = function else { return replies }
    let reports = model.handle(packet.data)
    function = .interrupt(model)
    note(
      String(
        format: "interrupt OUT 0x%02x %d bytes (command %02x) → %d report(s)", endpoint, packet.data.count,
        packet.data.first ?? 0, reports.count))
    replies += queueIn(reports, for: interface)
    return replies
  }

  /// IN reports for the interface's interrupt IN endpoint: sent now when the host is
  /// receiving there, else kept until it starts.
  @discardableResult
  private mutating func queueIn(_ reports: [[UInt8]], for interface: USBDeviceLayout.Interface) -> [Packet] {
    guard let endpoint = interface.endpoints.first(where: { $0.isIn && $0.type == .interrupt }) else { return [] }
    guard receiving.contains(endpoint.address) else {
      queued[endpoint.address, default: []] += reports
      if let count = queued[endpoint.address]?.count, count > Self.queueLimit {
        queued[endpoint.address]?.removeFirst(count - Self.queueLimit)
      }
      return []
    }
    return reports.map { interruptIn(endpoint.address, $0) }
  }

  private func interruptIn(_ endpoint: UInt8, _ report: [UInt8]) -> Packet {
    // Interrupt IN transfers of a HID device carry whole reports of the endpoint's size.
    let size = Int(layout.endpoint(endpoint)?.endpoint.maxPacketSize ?? 64)
    let data = report.count < size ? report + [UInt8](repeating: 0, count: size - report.count) : report
    return Packet(
      .interruptPacket, header: [endpoint, Status.success.rawValue] + USBDeviceLayout.little(UInt16(data.count)),
      data: data)
  }

  private mutating func bulk(_ packet: Packet) -> [Packet] {
    let endpoint = packet.header[0]
    if endpoint & 0x80 != 0 {
      // A read on the UART: nothing is ever received; it waits until cancelled.
      pendingBulk[packet.id] = endpoint
      return []
    }
    // With 32-bit bulk lengths the count is split: low 16 bits, stream id, high 16 bits.
    let count = UInt32(truncatingIfNeeded: packet.data.count)
    let low = USBDeviceLayout.little(UInt16(count & 0xFFFF))
    let high = USBDeviceLayout.little(UInt16(count >> 16))
    return [
      Packet(.bulkPacket, id: packet.id, header: [endpoint, Status.success.rawValue] + low + [0, 0, 0, 0] + high)
    ]
  }

  public mutating func clearTrace() { trace.removeAll() }

  private mutating func note(_ line: String) {
    if keepsTrace { trace.append(line) }
  }

  static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
      | UInt32(bytes[offset + 3]) << 24
  }
}

public enum USBRedirError: Error, Equatable, CustomStringConvertible {
  case malformed(String)
  case unsupportedPeer(String)

  public var description: String {
    switch self {
    case .malformed(let what): "usbredir: malformed input: \(what)"
    case .unsupportedPeer(let what): "usbredir: the peer lacks the capabilities we need (\(what))"
    }
  }
}
