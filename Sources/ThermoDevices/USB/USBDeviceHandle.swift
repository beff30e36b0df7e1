import CLibUSB
import Foundation

/// An open USB device. Owns the libusb handle: interfaces it claimed are released, kernel
/// drivers it detached are re-attached, and the handle is closed on `close()` or deinit.
public final class USBDeviceHandle {
  private var raw: OpaquePointer?
  /// Kept alive for as long as the handle: libusb requires the context to outlive it.
  private let context: USBContext
  public let info: USBDeviceInfo
  private var claimed: [Int32: Bool] = [:]

  init(raw: OpaquePointer, context: USBContext, info: USBDeviceInfo) {
    self.raw = raw
    self.context = context
    self.info = info
  }

  deinit {
    close()
  }

  private func handle(_ operation: @autoclosure () -> String) throws(USBError) -> OpaquePointer {
    guard let raw else { throw USBError(status: LIBUSB_ERROR_NO_DEVICE.rawValue, operation: operation()) }
    return raw
  }

  /// HID drivers that are not handed back on close: re-attaching hid-mcp2221 re-runs its probe,
  /// which on Debian 12's 6.1 kernel blocks the close for ≈ 24 s (HIL scenario 5,
  /// hardware-notes.md). Plain usbhid/hid-generic and the others are re-attached.
  static let driversNotHandedBack: Set<String> = ["mcp2221"]

  /// Claims an interface, detaching the kernel driver bound to it first (usbhid, with
  /// hid-generic, hid-mcp2221 or hid-cp2112 on top); it is re-attached on close so the system
  /// is left as found — unless the HID driver on it is one of `driversNotHandedBack`.
  public func claimInterface(_ number: Int32) throws(USBError) {
    let raw = try handle("claim interface \(number) of \(info.vendorProduct)")
    var detached = false
    let handBack = !Self.driversNotHandedBack.contains(hidDriver(interface: number) ?? "")
    let active = libusb_kernel_driver_active(raw, number)
    if active == 1 {
      let status = libusb_detach_kernel_driver(raw, number)
      guard status == 0 else {
        throw USBError(
          status: status, operation: "detach the kernel driver from interface \(number) of \(info.vendorProduct)")
      }
      detached = true
    }
    let status = libusb_claim_interface(raw, number)
    guard status == 0 else {
      if detached && handBack { _ = libusb_attach_kernel_driver(raw, number) }
      throw USBError(status: status, operation: "claim interface \(number) of \(info.vendorProduct)")
    }
    claimed[number] = detached && handBack
  }

  /// The HID driver bound on top of usbhid on `interface` (sysfs), if any.
  func hidDriver(interface: Int32) -> String? {
    let directory = "/sys/bus/usb/devices/\(info.portPath):1.\(interface)"
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
    // The HID device is named BUS:VID:PID.N, e.g. 0003:04D8:00DD.0001.
    for entry in entries where entry.count == 19 && entry.split(separator: ":").count == 3 {
      if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(entry)/driver") {
        return target.split(separator: "/").last.map(String.init)
      }
    }
    return nil
  }

  /// Releases what was claimed, re-attaches detached kernel drivers and closes the handle.
  public func close() {
    guard let raw else { return }
    for (number, detached) in claimed {
      _ = libusb_release_interface(raw, number)
      if detached { _ = libusb_attach_kernel_driver(raw, number) }
    }
    claimed = [:]
    libusb_close(raw)
    self.raw = nil
  }

  /// One interrupt transfer; returns the bytes moved (IN: the data, OUT: what was sent).
  public func interruptTransfer(endpoint: UInt8, data: [UInt8], length: Int? = nil, timeout: Duration)
    throws(USBError) -> [UInt8]
  {
    let raw = try handle("interrupt transfer on endpoint \(endpoint)")
    let isIn = endpoint & 0x80 != 0
    var buffer = isIn ? [UInt8](repeating: 0, count: length ?? 64) : data
    var transferred: Int32 = 0
    let status = libusb_interrupt_transfer(
      raw, endpoint, &buffer, Int32(buffer.count), &transferred, Self.milliseconds(timeout))
    guard status == 0 else {
      throw USBError(
        status: status,
        operation:
          "interrupt \(isIn ? "IN from" : "OUT to") endpoint 0x\(String(endpoint, radix: 16)) of \(info.vendorProduct)")
    }
    return Array(buffer.prefix(Int(transferred)))
  }

  /// One control transfer; for IN requests (bit 7 of `requestType`) returns what the device sent.
  public func controlTransfer(
    requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8] = [], length: Int = 0,
    timeout: Duration
  ) throws(USBError) -> [UInt8] {
    let raw = try handle("control transfer")
    let isIn = requestType & 0x80 != 0
    var buffer = isIn ? [UInt8](repeating: 0, count: length) : data
    let status = libusb_control_transfer(
      raw, requestType, request, value, index, &buffer, UInt16(buffer.count), Self.milliseconds(timeout))
    guard status >= 0 else {
      throw USBError(
        status: status,
        operation: "control request 0x\(String(request, radix: 16)) to \(info.vendorProduct)")
    }
    return isIn ? Array(buffer.prefix(Int(status))) : data
  }

  /// Clears a halted endpoint after a PIPE error, so the next transfer can go through.
  public func clearHalt(endpoint: UInt8) throws(USBError) {
    let raw = try handle("clear halt")
    let status = libusb_clear_halt(raw, endpoint)
    guard status == 0 else { throw USBError(status: status, operation: "clear halt on endpoint \(endpoint)") }
  }

  /// The interrupt endpoints of an interface, from the active configuration.
  public func interruptEndpoints(interface number: Int32) throws(USBError) -> (in: UInt8?, out: UInt8?) {
    let raw = try handle("read the configuration")
    guard let device = libusb_get_device(raw) else {
      throw USBError(status: LIBUSB_ERROR_NO_DEVICE.rawValue, operation: "read the configuration")
    }
    var configuration: UnsafeMutablePointer<libusb_config_descriptor>?
    let status = libusb_get_active_config_descriptor(device, &configuration)
    guard status == 0, let configuration else {
      throw USBError(status: status, operation: "read the configuration of \(info.vendorProduct)")
    }
    defer { libusb_free_config_descriptor(configuration) }
    var endpoints: [(address: UInt8, attributes: UInt8)] = []
    let interfaces = UnsafeBufferPointer(
      start: configuration.pointee.interface, count: Int(configuration.pointee.bNumInterfaces))
    for interface in interfaces {
      let settings = UnsafeBufferPointer(start: interface.altsetting, count: Int(interface.num_altsetting))
      for setting in settings where Int32(setting.bInterfaceNumber) == number && setting.bAlternateSetting == 0 {
        let list = UnsafeBufferPointer(start: setting.endpoint, count: Int(setting.bNumEndpoints))
        endpoints += list.map { ($0.bEndpointAddress, $0.bmAttributes) }
      }
    }
    return HIDEndpoints.interrupt(endpoints)
  }

  static func string(_ handle: OpaquePointer, index: UInt8) -> String? {
    guard index != 0 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = libusb_get_string_descriptor_ascii(handle, index, &buffer, Int32(buffer.count))
    guard count > 0 else { return nil }
    return String(decoding: buffer.prefix(Int(count)), as: UTF8.self)
  }

  static func milliseconds(_ duration: Duration) -> UInt32 {
    // libusb reads 0 as "wait forever": never ask for that by accident.
    max(1, UInt32(duration.pollMilliseconds))
  }
}

/// Picks the interrupt endpoints from an interface's endpoint list (pure, so it is tested
/// without a device).
public enum HIDEndpoints {
  public static func interrupt(_ endpoints: [(address: UInt8, attributes: UInt8)]) -> (in: UInt8?, out: UInt8?) {
    let interrupt = endpoints.filter { $0.attributes & 0x03 == 0x03 }
    return (
      interrupt.first { $0.address & 0x80 != 0 }?.address,
      interrupt.first { $0.address & 0x80 == 0 }?.address
    )
  }
}
