import Dispatch
import ThermoDevices

/// The open relay boards, owned by one thread of their own: a USB control transfer blocks for
/// up to its timeout, and must hold up neither the async pool nor another entrance's alerts.
/// Commands run in the order they were submitted, so the last one submitted for a channel is the
/// state it ends in. A board that fails is closed and opened again at the next command.
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
  func configure(opener: any RelayOpening, keeping keys: Set<String>) -> RelayCommand {
    let command = RelayCommand()
    queue.async {
      self.opener = opener
      for key in Array(self.boards.keys) where !keys.contains(key) { self.boards[key] = nil }
      command.finish(.success(()))
    }
    return command
  }

  /// Queues a switch at once, without suspending, so commands keep the order their callers
  /// decided them in; `whenSwitched` runs on the relay thread after a switch that worked, in
  /// the same order.
  func submit(
    _ address: DeviceAddress, channel: Int, on: Bool, whenSwitched: @escaping @Sendable () -> Void = {}
  ) -> RelayCommand {
    let command = RelayCommand()
    let key = address.relayBoard.description
    queue.async {
      do {
        var board = try self.boards[key] ?? self.opener.openRelay(address)
        try board.set(channel: channel, on: on)
        self.boards[key] = board
        whenSwitched()
        command.finish(.success(()))
      } catch {
        self.boards[key] = nil
        command.finish(.failure(error))
      }
    }
    return command
  }
}
