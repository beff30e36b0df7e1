import Synchronization

/// One libusb context for the daemon's life, made the first time a configuration needs USB:
/// a reload reuses it rather than initialising libusb again, and so cannot lose USB (and the
/// relay boards behind it) because a second initialisation failed.
public final class SharedUSBContext: Sendable {
  private let context = Mutex<USBContext?>(nil)

  public init() {}

  /// The context, made now if there is none yet; nil while libusb cannot be initialised.
  public func get() -> USBContext? {
    context.withLock { context in
      if context == nil { context = try? USBContext() }
      return context
    }
  }
}
