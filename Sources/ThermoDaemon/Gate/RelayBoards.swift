import Dispatch
import ThermoDevices

/// The open relay boards, owned by one thread of their own: a USB control transfer blocks for
/// up to its timeout, and must hold up neither the async pool nor another entrance's alerts.
/// A board that fails is closed and opened again at the next switch.
final class RelayBoards: @unchecked Sendable {
  // Only touched on `queue`, which is serial: that is the whole of the synchronisation.
  private var opener: any RelayOpening
  private var boards: [String: any RelaySwitch] = [:]
  private let queue = DispatchQueue(label: "thermogate.relays")

  init(opener: any RelayOpening) {
    self.opener = opener
  }

  /// A new configuration's boards: those no entrance names any more are closed (their USB
  /// interface given back).
  func configure(opener: any RelayOpening, keeping keys: Set<String>) async {
    await perform { boards in
      self.opener = opener
      for key in Array(boards.keys) where !keys.contains(key) { boards[key] = nil }
    }
  }

  func set(_ address: DeviceAddress, channel: Int, on: Bool) async throws {
    let key = Self.boardKey(address)
    try await perform { boards in
      do {
        var board = try boards[key] ?? self.opener.openRelay(address)
        try board.set(channel: channel, on: on)
        boards[key] = board
      } catch {
        boards[key] = nil
        throw error
      }
    }
  }

  private func perform<T: Sendable>(_ body: @escaping @Sendable (inout [String: any RelaySwitch]) throws -> T)
    async throws -> T
  {
    try await withCheckedThrowingContinuation { continuation in
      queue.async {
        continuation.resume(with: Result { try body(&self.boards) })
      }
    }
  }

  private func perform(_ body: @escaping @Sendable (inout [String: any RelaySwitch]) -> Void) async {
    await withCheckedContinuation { continuation in
      queue.async {
        body(&self.boards)
        continuation.resume()
      }
    }
  }

  static func boardKey(_ address: DeviceAddress) -> String {
    var board = address
    board.options["channel"] = nil
    return board.description
  }
}
