import CLibUSB
import Foundation
import Synchronization

/// A libusb context: the one owner of libusb's event handling for this process.
///
/// Synchronous transfers run libusb's events themselves; hot-plug callbacks need someone to
/// run them, which is the context's event thread, started with the first hot-plug stream and
/// stopped when the context goes. The callbacks only hand the event to Swift concurrency.
///
/// libusb contexts are thread-safe (libusb's own locks), which is why this class can be shared.
public final class USBContext: @unchecked Sendable {
  let raw: OpaquePointer
  private let events = Mutex<(loop: EventLoop?, registrations: [Int32: Unmanaged<HotplugSink>])>((nil, [:]))

  public init() throws(USBError) {
    var context: OpaquePointer?
    let status = libusb_init(&context)
    guard status == 0, let context else { throw USBError(status: status, operation: "initialise libusb") }
    raw = context
  }

  deinit {
    let (loop, registrations) = events.withLock { state in
      defer { state = (nil, [:]) }
      return state
    }
    // First stop the only thread that runs callbacks: libusb calls a callback without its lock
    // held, and deregistering does not wait for one in progress.
    loop?.stopAndWait()
    for (handle, sink) in registrations {
      libusb_hotplug_deregister_callback(raw, handle)
      sink.takeUnretainedValue().finish()
      sink.release()
    }
    libusb_exit(raw)
  }

  /// Every USB device on the system. Serial numbers and product names are read where the
  /// device can be opened; a device this user may not open is still listed, without them.
  public func devices(matching ids: Set<VendorProduct>? = nil) throws(USBError) -> [USBDeviceInfo] {
    var list: UnsafeMutablePointer<OpaquePointer?>?
    let count = libusb_get_device_list(raw, &list)
    guard count >= 0, let list else {
      throw USBError(status: Int32(truncatingIfNeeded: count), operation: "list USB devices")
    }
    defer { libusb_free_device_list(list, 1) }
    var found: [USBDeviceInfo] = []
    for index in 0..<count {
      guard let device = list[index], var info = Self.info(of: device) else { continue }
      if let ids, !ids.contains(VendorProduct(vendorID: info.vendorID, productID: info.productID)) { continue }
      Self.readStrings(of: device, into: &info)
      found.append(info)
    }
    return found
  }

  static func info(of device: OpaquePointer) -> USBDeviceInfo? {
    var descriptor = libusb_device_descriptor()
    guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
    var ports = [UInt8](repeating: 0, count: 8)
    let depth = libusb_get_port_numbers(device, &ports, Int32(ports.count))
    return USBDeviceInfo(
      vendorID: descriptor.idVendor, productID: descriptor.idProduct, bus: libusb_get_bus_number(device),
      portNumbers: Array(ports.prefix(max(0, Int(depth)))), deviceAddress: libusb_get_device_address(device))
  }

  /// The libusb status of opening the device to read them (0 when read).
  @discardableResult
  private static func readStrings(of device: OpaquePointer, into info: inout USBDeviceInfo) -> Int32 {
    var descriptor = libusb_device_descriptor()
    var handle: OpaquePointer?
    guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return LIBUSB_ERROR_OTHER.rawValue }
    let status = libusb_open(device, &handle)
    guard status == 0, let handle else { return status }
    defer { libusb_close(handle) }
    info.serialNumber = USBDeviceHandle.string(handle, index: descriptor.iSerialNumber)
    info.product = USBDeviceHandle.string(handle, index: descriptor.iProduct)
    return 0
  }

  /// Opens the device with these IDs, chosen by serial number or port path when given (both
  /// must match when both are given), else the only one present.
  public func open(
    _ ids: VendorProduct, serialNumber: String? = nil, portPath: String? = nil
  ) throws(USBError) -> USBDeviceHandle {
    var list: UnsafeMutablePointer<OpaquePointer?>?
    let count = libusb_get_device_list(raw, &list)
    guard count >= 0, let list else {
      throw USBError(status: Int32(truncatingIfNeeded: count), operation: "list USB devices")
    }
    defer { libusb_free_device_list(list, 1) }
    let wanted = "\(ids)" + (serialNumber.map { " serial \($0)" } ?? "") + (portPath.map { " at port \($0)" } ?? "")
    var candidates: [(OpaquePointer, USBDeviceInfo)] = []
    var unreadable: USBError?
    for index in 0..<count {
      guard let device = list[index], var info = Self.info(of: device),
        info.vendorID == ids.vendorID, info.productID == ids.productID
      else { continue }
      if let portPath, info.portPath != portPath { continue }
      if serialNumber != nil {
        let status = Self.readStrings(of: device, into: &info)
        // A device we may not open cannot show its serial: that is an access problem, not absence.
        if status != 0 { unreadable = USBError(status: status, operation: "read the serial number of \(wanted)") }
        guard info.serialNumber == serialNumber else { continue }
      }
      candidates.append((device, info))
    }
    guard let (device, info) = candidates.first else {
      if let unreadable { throw unreadable }
      throw USBError(status: LIBUSB_ERROR_NOT_FOUND.rawValue, operation: "find \(wanted)")
    }
    guard candidates.count == 1 else {
      throw USBError(
        status: LIBUSB_ERROR_NOT_FOUND.rawValue,
        operation: "choose \(wanted): \(candidates.count) match; name one by serial= or port=")
    }
    var handle: OpaquePointer?
    let status = libusb_open(device, &handle)
    guard status == 0, let handle else { throw USBError(status: status, operation: "open \(wanted)") }
    var opened = info
    var descriptor = libusb_device_descriptor()
    if libusb_get_device_descriptor(device, &descriptor) == 0 {
      opened.serialNumber = opened.serialNumber ?? USBDeviceHandle.string(handle, index: descriptor.iSerialNumber)
      opened.product = USBDeviceHandle.string(handle, index: descriptor.iProduct)
    }
    return USBDeviceHandle(raw: handle, context: self, info: opened)
  }

  public var supportsHotplug: Bool {
    libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0
  }

  /// Devices arriving and leaving, starting with those already present (as `arrived`).
  /// The stream ends when the context is released.
  public func hotplugEvents(matching ids: VendorProduct? = nil) throws(USBError) -> AsyncStream<USBHotplugEvent> {
    guard supportsHotplug else {
      throw USBError(status: LIBUSB_ERROR_NOT_SUPPORTED.rawValue, operation: "watch USB hot-plug")
    }
    let (stream, continuation) = AsyncStream.makeStream(of: USBHotplugEvent.self, bufferingPolicy: .unbounded)
    let sink = Unmanaged.passRetained(HotplugSink(continuation))
    var handle: libusb_hotplug_callback_handle = 0
    let any = LIBUSB_HOTPLUG_MATCH_ANY
    let status = libusb_hotplug_register_callback(
      raw,
      Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue),
      Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue),
      ids.map { Int32($0.vendorID) } ?? any, ids.map { Int32($0.productID) } ?? any, any,
      { _, device, event, userData in
        guard let device, let userData, let info = USBContext.info(of: device) else { return 0 }
        let change: USBHotplugEvent.Change = event == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT ? .left : .arrived
        Unmanaged<HotplugSink>.fromOpaque(userData).takeUnretainedValue().yield(
          USBHotplugEvent(change: change, device: info))
        return 0
      },
      sink.toOpaque(), &handle)
    guard status == 0 else {
      sink.takeUnretainedValue().finish()
      sink.release()
      throw USBError(status: status, operation: "register for USB hot-plug events")
    }
    startEventThread(registering: handle, sink: sink)
    return stream
  }

  private func startEventThread(registering handle: Int32, sink: Unmanaged<HotplugSink>) {
    events.withLock { state in
      state.registrations[handle] = sink
      if state.loop == nil { state.loop = EventLoop(context: raw) }
    }
  }
}

/// The two IDs that select a USB device model.
public struct VendorProduct: Sendable, Hashable, CustomStringConvertible {
  public var vendorID: UInt16
  public var productID: UInt16

  public init(vendorID: UInt16, productID: UInt16) {
    self.vendorID = vendorID
    self.productID = productID
  }

  public var description: String { hex4(vendorID) + ":" + hex4(productID) }
}

/// Receives libusb's hot-plug callbacks (on the event thread) and passes them on.
final class HotplugSink: Sendable {
  private let continuation: AsyncStream<USBHotplugEvent>.Continuation
  init(_ continuation: AsyncStream<USBHotplugEvent>.Continuation) { self.continuation = continuation }
  func yield(_ event: USBHotplugEvent) { continuation.yield(event) }
  func finish() { continuation.finish() }
}

/// The thread that runs libusb's event handling while hot-plug callbacks are registered.
private final class EventLoop: @unchecked Sendable {
  // The context pointer is only handed to libusb, which locks internally.
  private let context: OpaquePointer
  private let stop = Atomic<Bool>(false)
  private let finished = DispatchSemaphore(value: 0)

  init(context: OpaquePointer) {
    self.context = context
    let thread = Thread { [self] in
      var interval = timeval(tv_sec: 0, tv_usec: 200_000)
      while !stop.load(ordering: .acquiring) {
        _ = libusb_handle_events_timeout_completed(self.context, &interval, nil)
      }
      finished.signal()
    }
    thread.name = "libusb events"
    thread.start()
  }

  func stopAndWait() {
    stop.store(true, ordering: .releasing)
    finished.wait()  // bounded by the 200 ms event timeout; freeing under a running loop is worse
  }
}
