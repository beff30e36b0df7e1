import Synchronization

/// The device threads of the running entrances, so a udev arrival can cut their backoff short.
public final class DeviceReaders: Sendable {
  private let readers = Mutex<[ObjectIdentifier: DeviceReader]>([:])

  public init() {}

  func register(_ reader: DeviceReader) { readers.withLock { $0[ObjectIdentifier(reader)] = reader } }
  func unregister(_ reader: DeviceReader) { _ = readers.withLock { $0.removeValue(forKey: ObjectIdentifier(reader)) } }

  public func wakeAll() {
    for reader in readers.withLock({ Array($0.values) }) { reader.wake() }
  }
}
