import Synchronization
import ThermoDevices

/// The demo's badge readers: each simulated visitor's card is typed as a keyboard-style reader
/// types it (input events from the reader model) and read back through the same decoder and
/// assembler as a real reader's node, then handed to the entrance it was read at.
public final class SimulatedBadgeDesk: BadgeFeed {
  private let listeners = Mutex<[String: @Sendable (String, Double) -> Void]>([:])
  /// Credentials some people show instead of a work ID (a visitor's pass code).
  private let substitutes = Mutex<[String: String]>([:])

  public init() {}

  public func listen(at entrance: String, _ deliver: @escaping @Sendable (String, Double) -> Void) {
    listeners.withLock { $0[entrance] = deliver }
  }

  public func stopListening(at entrance: String) {
    _ = listeners.withLock { $0.removeValue(forKey: entrance) }
  }

  /// From now on the person with `workID` shows `credential` instead (a visitor pass code).
  public func show(_ credential: String, insteadOf workID: String) {
    substitutes.withLock { $0[workID] = credential }
  }

  /// A visitor shows their card at `entrance`.
  public func present(_ workID: String, at entrance: String, time: Double) {
    let shown = substitutes.withLock { $0[workID] } ?? workID
    guard let id = Self.read(shown, at: time) else { return }
    let deliver = listeners.withLock { $0[entrance] }
    deliver?(id, time)
  }

  static func read(_ workID: String, at time: Double) -> String? {
    guard let events = try? BadgeReaderModel().evdevEvents(typing: workID, startingAt: time) else { return nil }
    var decoder = EvdevKeyDecoder()
    var assembler = BadgeAssembler()
    let decoded = EvdevKeyEvent.decodeAll(events.flatMap { $0 }).events
    for event in decoded {
      guard let key = decoder.decode(event) else { continue }
      if case .badge(let id) = assembler.accept(key, at: event.time) { return id }
    }
    return nil
  }
}
