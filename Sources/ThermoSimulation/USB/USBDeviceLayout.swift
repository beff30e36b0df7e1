/// What a USB device tells a host about itself: the descriptors a real part returns to
/// GET_DESCRIPTOR, built from a plain description of its interfaces and endpoints. Used by the
/// usbredir exposure (`USBRedirDevice`), where a real kernel enumerates it.
public struct USBDeviceLayout: Sendable, Equatable {
  public enum TransferType: UInt8, Sendable {
    case control = 0
    case isochronous = 1
    case bulk = 2
    case interrupt = 3
  }

  public struct Endpoint: Sendable, Equatable {
    public var address: UInt8
    public var type: TransferType
    public var maxPacketSize: UInt16
    public var interval: UInt8

    public init(address: UInt8, type: TransferType, maxPacketSize: UInt16, interval: UInt8) {
      self.address = address
      self.type = type
      self.maxPacketSize = maxPacketSize
      self.interval = interval
    }

    public var isIn: Bool { address & 0x80 != 0 }
  }

  public struct Interface: Sendable, Equatable {
    public var number: UInt8
    public var interfaceClass: UInt8
    public var subclass: UInt8
    public var interfaceProtocol: UInt8
    public var endpoints: [Endpoint]
    /// Class descriptors between the interface and its endpoints (CDC functional descriptors).
    public var classDescriptors: [UInt8] = []
    /// For a HID interface: its report descriptor (the HID descriptor is derived from it).
    public var hidReportDescriptor: [UInt8]?
    public var stringIndex: UInt8 = 0

    public init(
      number: UInt8, interfaceClass: UInt8, subclass: UInt8, interfaceProtocol: UInt8, endpoints: [Endpoint],
      classDescriptors: [UInt8] = [], hidReportDescriptor: [UInt8]? = nil
    ) {
      self.number = number
      self.interfaceClass = interfaceClass
      self.subclass = subclass
      self.interfaceProtocol = interfaceProtocol
      self.endpoints = endpoints
      self.classDescriptors = classDescriptors
      self.hidReportDescriptor = hidReportDescriptor
    }
  }

  /// An interface association (composite devices that group CDC interfaces).
  public struct Association: Sendable, Equatable {
    public var firstInterface: UInt8
    public var count: UInt8
    public var functionClass: UInt8
    public var subclass: UInt8
    public var functionProtocol: UInt8
  }

  public var vendorID: UInt16
  public var productID: UInt16
  public var deviceVersion: UInt16
  public var deviceClass: UInt8 = 0
  public var deviceSubclass: UInt8 = 0
  public var deviceProtocol: UInt8 = 0
  public var manufacturer: String
  public var product: String
  public var serial: String?
  public var interfaces: [Interface]
  public var associations: [Association] = []
  /// bMaxPower in 2 mA units.
  public var maxPower: UInt8 = 50

  public init(
    vendorID: UInt16, productID: UInt16, deviceVersion: UInt16, manufacturer: String, product: String,
    serial: String?, interfaces: [Interface]
  ) {
    self.vendorID = vendorID
    self.productID = productID
    self.deviceVersion = deviceVersion
    self.manufacturer = manufacturer
    self.product = product
    self.serial = serial
    self.interfaces = interfaces
  }

  public var deviceDescriptor: [UInt8] {
    [18, 0x01, 0x00, 0x02, deviceClass, deviceSubclass, deviceProtocol, 64]
      + Self.little(vendorID) + Self.little(productID) + Self.little(deviceVersion)
      + [1, 2, serial == nil ? 0 : 3, 1]
  }

  public var configurationDescriptor: [UInt8] {
    var body: [UInt8] = []
    for interface in interfaces {
      if let association = associations.first(where: { $0.firstInterface == interface.number }) {
        body += [
          8, 0x0B, association.firstInterface, association.count, association.functionClass, association.subclass,
          association.functionProtocol, 0,
        ]
      }
      body += [
        9, 0x04, interface.number, 0, UInt8(interface.endpoints.count), interface.interfaceClass, interface.subclass,
        interface.interfaceProtocol, interface.stringIndex,
      ]
      body += interface.classDescriptors
      if let report = interface.hidReportDescriptor { body += Self.hidDescriptor(reportLength: report.count) }
      for endpoint in interface.endpoints {
        body +=
          [7, 0x05, endpoint.address, endpoint.type.rawValue] + Self.little(endpoint.maxPacketSize)
          + [endpoint.interval]
      }
    }
    let total = UInt16(9 + body.count)
    // Bus powered, bMaxPower; one configuration, value 1.
    return [9, 0x02] + Self.little(total) + [UInt8(interfaces.count), 1, 0, 0x80, maxPower] + body
  }

  /// String descriptor `index` (0: the language list, US English).
  public func stringDescriptor(_ index: UInt8) -> [UInt8]? {
    let text: String
    switch index {
    case 0: return [4, 0x03, 0x09, 0x04]
    case 1: text = manufacturer
    case 2: text = product
    case 3:
      guard let serial else { return nil }
      text = serial
    default: return nil
    }
    let units = Array(text.utf16.prefix(126))
    return [UInt8(2 + units.count * 2), 0x03] + units.flatMap { Self.little($0) }
  }

  public func interface(_ number: UInt8) -> Interface? {
    interfaces.first { $0.number == number }
  }

  public func endpoint(_ address: UInt8) -> (interface: Interface, endpoint: Endpoint)? {
    for interface in interfaces {
      if let endpoint = interface.endpoints.first(where: { $0.address == address }) { return (interface, endpoint) }
    }
    return nil
  }

  static func hidDescriptor(reportLength: Int) -> [UInt8] {
    // HID 1.11, no country, one report descriptor.
    [9, 0x21, 0x11, 0x01, 0, 1, 0x22] + little(UInt16(reportLength))
  }

  static func little(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

  /// A vendor-defined HID report descriptor: `reportSize`-byte input and output reports,
  /// unnumbered — with an unnumbered feature report of the same size when `feature` — or, when
  /// `featureIDs` are given, numbered feature reports and numbered input/output reports.
  public static func vendorReportDescriptor(
    reportSize: UInt8 = 64, feature: Bool = false, featureIDs: [UInt8] = [], reportIDs: [UInt8] = [0xFE]
  ) -> [UInt8] {
    var items: [UInt8] = [
      0x06, 0x00, 0xFF,  // usage page (vendor 0xFF00)
      0x09, 0x01,  // usage 1
      0xA1, 0x01,  // collection (application)
      0x15, 0x00,  // logical minimum 0
      0x26, 0xFF, 0x00,  // logical maximum 255
      0x75, 0x08,  // report size 8
    ]
    if featureIDs.isEmpty {
      items += [0x95, reportSize, 0x09, 0x01, 0x81, 0x02, 0x95, reportSize, 0x09, 0x01, 0x91, 0x02]
      if feature { items += [0x95, reportSize, 0x09, 0x01, 0xB1, 0x02] }
    } else {
      for id in featureIDs {
        items += [0x85, id, 0x95, reportSize - 1, 0x09, 0x01, 0xB1, 0x02]
      }
      // Numbered input and output reports (the CP2112's data reports are 0x10–0x17).
      for id in reportIDs {
        items += [0x85, id, 0x95, reportSize - 1, 0x09, 0x01, 0x81, 0x02, 0x09, 0x01, 0x91, 0x02]
      }
    }
    return items + [0xC0]
  }
}

extension USBDeviceLayout {
  /// The MCP2221A as it enumerates: a composite device (class 0xEF, interface association) with
  /// CDC-ACM on interfaces 0/1 (the UART) and the HID interface 2 that carries I2C commands —
  /// endpoints as in the protocol notes §1.1 (0x81 notify; 0x02/0x82 bulk; 0x03/0x83 HID).
  public static func mcp2221a(serial: String?) -> USBDeviceLayout {
    let cdcFunctional: [UInt8] = [
      5, 0x24, 0x00, 0x10, 0x01,  // header, CDC 1.10
      4, 0x24, 0x02, 0x02,  // ACM: line coding and serial state
      5, 0x24, 0x06, 0x00, 0x01,  // union: control 0, data 1
      5, 0x24, 0x01, 0x00, 0x01,  // call management
    ]
    var layout = USBDeviceLayout(
      vendorID: 0x04D8, productID: 0x00DD, deviceVersion: 0x0100, manufacturer: "Microchip Technology Inc.",
      product: "MCP2221 USB-I2C/UART Combo", serial: serial,
      interfaces: [
        Interface(
          number: 0, interfaceClass: 0x02, subclass: 0x02, interfaceProtocol: 0x01,
          endpoints: [Endpoint(address: 0x81, type: .interrupt, maxPacketSize: 8, interval: 2)],
          classDescriptors: cdcFunctional),
        Interface(
          number: 1, interfaceClass: 0x0A, subclass: 0, interfaceProtocol: 0,
          endpoints: [
            Endpoint(address: 0x02, type: .bulk, maxPacketSize: 16, interval: 0),
            Endpoint(address: 0x82, type: .bulk, maxPacketSize: 16, interval: 0),
          ]),
        Interface(
          number: 2, interfaceClass: 0x03, subclass: 0, interfaceProtocol: 0,
          endpoints: [
            Endpoint(address: 0x83, type: .interrupt, maxPacketSize: 64, interval: 1),
            Endpoint(address: 0x03, type: .interrupt, maxPacketSize: 64, interval: 1),
          ],
          hidReportDescriptor: vendorReportDescriptor()),
      ])
    layout.deviceClass = 0xEF
    layout.deviceSubclass = 0x02
    layout.deviceProtocol = 0x01
    layout.associations = [
      Association(firstInterface: 0, count: 2, functionClass: 0x02, subclass: 0x02, functionProtocol: 0x01)
    ]
    return layout
  }

  /// The CP2112: one HID interface, 0x81 IN / 0x01 OUT; feature reports 0x01–0x06 (the model
  /// answers none: `hid-cp2112`'s probe fails and usbhid keeps the interface), data reports
  /// 0x10–0x17 on the interrupt endpoints.
  public static func cp2112(serial: String?) -> USBDeviceLayout {
    USBDeviceLayout(
      vendorID: 0x10C4, productID: 0xEA90, deviceVersion: 0x0000, manufacturer: "Silicon Laboratories",
      product: "CP2112 HID USB-to-SMBus Bridge", serial: serial,
      interfaces: [
        Interface(
          number: 0, interfaceClass: 0x03, subclass: 0, interfaceProtocol: 0,
          endpoints: [
            Endpoint(address: 0x81, type: .interrupt, maxPacketSize: 64, interval: 1),
            Endpoint(address: 0x01, type: .interrupt, maxPacketSize: 64, interval: 1),
          ],
          hidReportDescriptor: vendorReportDescriptor(featureIDs: Array(0x01...0x06), reportIDs: Array(0x10...0x17)))
      ])
  }

  /// A PCsensor TEMPerGold (413d:2107): a keyboard interface 0 (the "TXT" button) and the data
  /// interface 1 with 8-byte reports, IN on 0x82, commands by SET_REPORT (protocols §7).
  public static func temperGold() -> USBDeviceLayout {
    USBDeviceLayout(
      vendorID: 0x413D, productID: 0x2107, deviceVersion: 0x0000, manufacturer: "PCsensor",
      product: "TEMPerGold_V3.1", serial: nil,
      interfaces: [
        Interface(
          number: 0, interfaceClass: 0x03, subclass: 0x01, interfaceProtocol: 0x01,
          endpoints: [Endpoint(address: 0x81, type: .interrupt, maxPacketSize: 8, interval: 10)],
          hidReportDescriptor: bootKeyboardReportDescriptor),
        Interface(
          number: 1, interfaceClass: 0x03, subclass: 0, interfaceProtocol: 0,
          endpoints: [Endpoint(address: 0x82, type: .interrupt, maxPacketSize: 8, interval: 10)],
          hidReportDescriptor: vendorReportDescriptor(reportSize: 8)),
      ])
  }

  /// A boot keyboard: modifiers, reserved, six keys; LED output report.
  static let bootKeyboardReportDescriptor: [UInt8] = [
    0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,
    0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01,
    0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65,
    0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xC0,
  ]

  /// The common USB HID relay board (16c0:05df, "USBRelayN"): feature reports on the control
  /// endpoint only, one interrupt IN endpoint it never uses.
  public static func usbRelay(channels: Int) -> USBDeviceLayout {
    USBDeviceLayout(
      vendorID: 0x16C0, productID: 0x05DF, deviceVersion: 0x0100, manufacturer: "www.dcttech.com",
      product: "USBRelay\(channels)", serial: nil,
      interfaces: [
        Interface(
          number: 0, interfaceClass: 0x03, subclass: 0, interfaceProtocol: 0,
          endpoints: [Endpoint(address: 0x81, type: .interrupt, maxPacketSize: 8, interval: 20)],
          hidReportDescriptor: vendorReportDescriptor(reportSize: 8, feature: true))
      ])
  }
}
