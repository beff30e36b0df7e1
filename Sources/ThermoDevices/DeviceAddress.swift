/// How configuration and the CLI name a device: `DRIVER:LOCATOR[?key=value&…]`, e.g.
/// `mcp2221:serial=0001234567?address=0x5a`, `mcp2221:port=1-1.2`, `optris:/dev/serial/by-id/…?baud=115200`,
/// `relay:serial=ABCDE?channel=1`, `sim:mlx90614?seed=7`.
public struct DeviceAddress: Sendable, Equatable, CustomStringConvertible {
  public enum Driver: String, Sendable, CaseIterable {
    case mcp2221, cp2112, optris, pyrousb, temper, relay, sim

    var isSerial: Bool { [.optris, .pyrousb].contains(self) }

    /// Opened through libusb (the process needs a `USBContext`).
    public var isUSB: Bool { [.mcp2221, .cp2112, .temper, .relay].contains(self) }

    /// Options this driver understands, with what a value must look like.
    var options: [String: String] {
      switch self {
      case .mcp2221, .cp2112: ["address": "a 7-bit SMBus address, 0x00–0x7f", "pec": "reject or accept"]
      case .optris: ["baud": "a baud rate", "family": "cs or ct"]
      case .pyrousb: ["baud": "a baud rate", "address": "a Modbus slave address, 1–247 or 255"]
      case .temper: [:]
      case .relay: ["channel": "a relay channel, 1–8"]
      case .sim:
        [
          "seed": "a whole number", "febrile": "a share of people, 0–1", "cold": "a share of people, 0–1",
          "arrivals": "people per minute, above 0 and at most 600", "channel": "a relay channel, 1–8",
          "blackbody": "true: the sensor faces a simulated blackbody (calibration)",
          "offset": "the simulated sensor's true offset, °C (with blackbody)",
          "gain": "the simulated sensor's true gain (with blackbody)", "noise": "reading noise, °C",
          "staff": "how many work IDs the simulated people carry, 1–90000",
          "state": "a file the simulated relay board latches its relays in, across restarts",
        ]
      }
    }
  }

  public enum Locator: Sendable, Equatable {
    /// A USB device by its serial number (follows the device to any port).
    case serial(String)
    /// A USB device by the port it is plugged into (`1-1.2`).
    case port(String)
    /// A serial device node, preferably a stable one (`/dev/serial/by-id/…`, `/dev/thermogate/…`).
    case path(String)
    /// A simulated device model (`mlx90614`, `pyrousb`, …).
    case model(String)
  }

  public var driver: Driver
  public var locator: Locator
  public var options: [String: String]

  public static let expectedForm =
    "DRIVER:LOCATOR[?key=value&…], e.g. mcp2221:serial=0001234567?address=0x5a, mcp2221:port=1-1.2, "
    + "optris:/dev/serial/by-id/usb-…?baud=115200, relay:serial=ABCDE?channel=1, sim:mlx90614?seed=7"

  public init(parsing text: String) throws(DeviceAddressError) {
    func failure(_ problem: String) -> DeviceAddressError { DeviceAddressError(address: text, problem: problem) }
    guard let colon = text.firstIndex(of: ":") else { throw failure("no ':' after the driver name") }
    let driverName = String(text[..<colon])
    guard let driver = Driver(rawValue: driverName) else {
      throw failure(
        "unknown driver '\(driverName)' (known: \(Driver.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    let rest = text[text.index(after: colon)...]
    let parts = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let locatorText = String(parts[0])
    guard !locatorText.isEmpty else { throw failure("nothing after '\(driverName):'") }

    let locator: Locator
    if driver == .sim {
      locator = .model(locatorText)
    } else if driver.isSerial {
      guard locatorText.hasPrefix("/") else {
        throw failure("a serial device needs a device path, e.g. /dev/serial/by-id/…")
      }
      let name = locatorText.split(separator: "/").last.map(String.init) ?? ""
      if (name.hasPrefix("ttyUSB") || name.hasPrefix("ttyACM")), Int(name.dropFirst(6)) != nil {
        throw failure(
          "'\(locatorText)' changes with plug order; use /dev/serial/by-id/… or a /dev/thermogate/ link")
      }
      locator = .path(locatorText)
    } else if locatorText.hasPrefix("serial="), locatorText.count > 7 {
      locator = .serial(String(locatorText.dropFirst(7)))
    } else if locatorText.hasPrefix("port="), locatorText.count > 5 {
      locator = .port(String(locatorText.dropFirst(5)))
    } else {
      throw failure("a USB device is named by serial=… or port=…")
    }

    var options: [String: String] = [:]
    if parts.count == 2 {
      for pair in parts[1].split(separator: "&", omittingEmptySubsequences: false) {
        let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard keyValue.count == 2, !keyValue[0].isEmpty, !keyValue[1].isEmpty else {
          throw failure("option '\(pair)' is not key=value")
        }
        let key = String(keyValue[0])
        let value = String(keyValue[1])
        guard let expected = driver.options[key] else {
          let known = driver.options.keys.sorted().joined(separator: ", ")
          throw failure("\(driverName) has no option '\(key)'" + (known.isEmpty ? "" : " (known: \(known))"))
        }
        guard Self.valid(key: key, value: value, driver: driver) else {
          throw failure("option \(key)=\(value): expected \(expected)")
        }
        guard options[key] == nil else { throw failure("option '\(key)' given twice") }
        options[key] = value
      }
    }
    self.driver = driver
    self.locator = locator
    self.options = options
  }

  /// An option's value as a whole number (decimal or 0x-hex, as the options take them).
  public func integerOption(_ key: String) -> Int? {
    options[key].flatMap(Self.integer)
  }

  /// An option's value as a number (the simulated scene's shares and rates).
  public func numberOption(_ key: String) -> Double? {
    options[key].flatMap(Double.init)
  }

  private static func integer(_ text: String) -> Int? {
    text.lowercased().hasPrefix("0x") ? Int(text.dropFirst(2), radix: 16) : Int(text)
  }

  private static func valid(key: String, value: String, driver: Driver) -> Bool {
    switch key {
    case "address" where driver == .pyrousb: return integer(value).map { (1...247).contains($0) || $0 == 255 } ?? false
    case "address": return integer(value).map { (0...0x7F).contains($0) } ?? false
    case "pec": return value == "reject" || value == "accept"
    case "baud": return integer(value).map { $0 > 0 } ?? false
    case "family": return value == "cs" || value == "ct"
    case "channel": return integer(value).map { (1...8).contains($0) } ?? false
    case "seed": return Int(value) != nil
    case "febrile", "cold": return Double(value).map { (0...1).contains($0) } ?? false
    case "arrivals": return Double(value).map { $0 > 0 && $0 <= 600 } ?? false
    case "staff": return integer(value).map { (1...90_000).contains($0) } ?? false
    case "state": return !value.isEmpty
    case "blackbody": return value == "true"
    case "offset": return Double(value).map { abs($0) <= 10 } ?? false
    case "gain": return Double(value).map { $0 > 0.5 && $0 < 2 } ?? false
    case "noise": return Double(value).map { $0 >= 0 && $0 <= 2 } ?? false
    default: return false
    }
  }

  public var description: String {
    let locatorText: String
    switch locator {
    case .serial(let serial): locatorText = "serial=\(serial)"
    case .port(let port): locatorText = "port=\(port)"
    case .path(let path): locatorText = path
    case .model(let model): locatorText = model
    }
    let query = options.keys.sorted().map { "\($0)=\(options[$0] ?? "")" }.joined(separator: "&")
    return "\(driver.rawValue):\(locatorText)" + (query.isEmpty ? "" : "?\(query)")
  }
}

public struct DeviceAddressError: Error, Sendable, Equatable, CustomStringConvertible {
  public var address: String
  public var problem: String

  public var description: String {
    "device address '\(address)': \(problem); expected \(DeviceAddress.expectedForm)"
  }
}
