import CUdev
import Foundation
import Synchronization
import SystemPackage

/// udev's "something changed" events for USB devices and serial ports, as an `AsyncSequence`.
/// An event is only a hint to rescan (`DeviceWatcher` does that): udev may coalesce or reorder
/// them, and none come where no udev daemon runs.
public final class UdevMonitor: Sendable {
  public struct Event: Sendable, Equatable {
    public var action: String
    public var subsystem: String
    public var sysName: String
  }

  /// Whether a udev daemon is running to send events (containers usually have none).
  public static var isDaemonRunning: Bool {
    FileManager.default.fileExists(atPath: "/run/udev/control")
  }

  private let stop = StopSignal()
  private let finished = DispatchSemaphore(value: 0)
  public let events: AsyncStream<Event>

  /// Subscribes to udev's netlink group for `subsystems`. The reading thread stops when the
  /// monitor is released.
  public init(subsystems: [String] = ["usb", "tty", "hidraw"]) throws(UdevError) {
    guard let udev = udev_new() else { throw UdevError(operation: "udev_new") }
    guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
      udev_unref(udev)
      throw UdevError(operation: "open the udev netlink monitor")
    }
    for subsystem in subsystems {
      _ = udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
    }
    guard udev_monitor_enable_receiving(monitor) >= 0 else {
      udev_monitor_unref(monitor)
      udev_unref(udev)
      throw UdevError(operation: "start receiving udev events")
    }
    let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(256))
    events = stream
    let owner = MonitorPointers(udev: udev, monitor: monitor)
    let thread = Thread { [stop, finished] in
      owner.run(until: stop, continuation: continuation)
      finished.signal()
    }
    thread.name = "udev monitor"
    thread.start()
  }

  deinit {
    stop.flag.store(true, ordering: .releasing)
    _ = finished.wait(timeout: .now() + 2)
  }
}

/// The libudev pointers, owned by the monitor thread alone once it starts.
private final class MonitorPointers: @unchecked Sendable {
  private let udev: OpaquePointer
  private let monitor: OpaquePointer

  init(udev: OpaquePointer, monitor: OpaquePointer) {
    self.udev = udev
    self.monitor = monitor
  }

  func run(until stop: StopSignal, continuation: AsyncStream<UdevMonitor.Event>.Continuation) {
    defer {
      continuation.finish()
      udev_monitor_unref(monitor)
      udev_unref(udev)
    }
    let socket = FileDescriptor(rawValue: udev_monitor_get_fd(monitor))
    while !stop.flag.load(ordering: .acquiring) {
      // Short waits, so the stop flag is seen soon after the monitor is released.
      guard case .ready = try? Poll.wait(socket, for: .readable, timeout: .milliseconds(200)) else { continue }
      guard let device = udev_monitor_receive_device(monitor) else { continue }
      defer { udev_device_unref(device) }
      func text(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
      continuation.yield(
        UdevMonitor.Event(
          action: text(udev_device_get_action(device)), subsystem: text(udev_device_get_subsystem(device)),
          sysName: text(udev_device_get_sysname(device))))
    }
  }
}

/// Tells a worker thread to finish.
final class StopSignal: Sendable {
  let flag = Atomic<Bool>(false)
}
