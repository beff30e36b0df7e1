import CUdev

/// One device as udev (or, where no udev daemon runs, sysfs) describes it. Plain values: no
/// libudev pointer leaves this file.
public struct UdevDeviceRecord: Sendable, Equatable {
  public var subsystem: String
  public var sysPath: String
  /// Kernel name: for a USB device its port path, e.g. `1-1.2`.
  public var sysName: String
  /// `/dev/…` node, when the device has one.
  public var devNode: String?
  /// udev properties (ID_VENDOR_ID, ID_SERIAL_SHORT, ID_PATH, … when a udev daemon has run;
  /// always the kernel's uevent keys).
  public var properties: [String: String]
  /// The sysfs attributes asked for (idVendor, idProduct, serial, …) that exist.
  public var attributes: [String: String]
}

public struct UdevError: Error, Sendable, Equatable, CustomStringConvertible {
  public var operation: String
  public var description: String { "libudev: \(operation) failed" }
}

/// Lists devices of a subsystem through libudev. Works without a udev daemon (containers): then
/// only kernel data is there, so callers read vendor and product from sysfs attributes.
public enum UdevEnumerator {
  public static func devices(
    subsystem: String, deviceType: String? = nil, attributes wanted: [String] = []
  ) throws(UdevError) -> [UdevDeviceRecord] {
    guard let udev = udev_new() else { throw UdevError(operation: "udev_new") }
    defer { udev_unref(udev) }
    guard let enumerator = udev_enumerate_new(udev) else { throw UdevError(operation: "udev_enumerate_new") }
    defer { udev_enumerate_unref(enumerator) }
    guard udev_enumerate_add_match_subsystem(enumerator, subsystem) >= 0 else {
      throw UdevError(operation: "match subsystem \(subsystem)")
    }
    guard udev_enumerate_scan_devices(enumerator) >= 0 else { throw UdevError(operation: "scan \(subsystem)") }
    var records: [UdevDeviceRecord] = []
    var entry = udev_enumerate_get_list_entry(enumerator)
    while let current = entry {
      defer { entry = udev_list_entry_get_next(current) }
      guard let path = udev_list_entry_get_name(current),
        let device = udev_device_new_from_syspath(udev, path)
      else { continue }
      defer { udev_device_unref(device) }
      if let deviceType, string(udev_device_get_devtype(device)) != deviceType { continue }
      records.append(record(device, subsystem: subsystem, attributes: wanted))
    }
    return records.sorted { $0.sysPath < $1.sysPath }
  }

  private static func record(_ device: OpaquePointer, subsystem: String, attributes wanted: [String])
    -> UdevDeviceRecord
  {
    var properties: [String: String] = [:]
    var property = udev_device_get_properties_list_entry(device)
    while let current = property {
      if let name = string(udev_list_entry_get_name(current)) {
        properties[name] = string(udev_list_entry_get_value(current)) ?? ""
      }
      property = udev_list_entry_get_next(current)
    }
    var attributes: [String: String] = [:]
    for name in wanted {
      if let value = string(udev_device_get_sysattr_value(device, name)) { attributes[name] = value }
    }
    return UdevDeviceRecord(
      subsystem: subsystem, sysPath: string(udev_device_get_syspath(device)) ?? "",
      sysName: string(udev_device_get_sysname(device)) ?? "", devNode: string(udev_device_get_devnode(device)),
      properties: properties, attributes: attributes)
  }

  private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
  }
}
