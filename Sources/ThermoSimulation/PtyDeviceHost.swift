import Foundation
import Synchronization
import ThermoDevices

/// Runs a serial device model behind a real pseudo-terminal, on a thread of its own, so drivers
/// reach it through `SerialPort` and real termios exactly as they reach a USB-serial device.
///
/// A command is the bytes that arrive together, ended by a silence of `frameGap`: Modbus RTU
/// frames by silence on the wire, and the drivers write each command in one write, so the
/// Optris commands arrive whole as well.
public final class PtyDeviceHost<Model: ByteStreamDeviceModel>: Sendable {
  /// The terminal side: open it as a serial port.
  public let path: String
  private let shared: Shared
  private let finished = DispatchSemaphore(value: 0)

  private struct State {
    var model: Model
    var running = true
    var unplugRequested = false
    var muted = false
    var injections: [[UInt8]] = []
    var commandsHandled = 0
  }

  /// The state the device thread and its owner share.
  private final class Shared: Sendable {
    let state: Mutex<State>
    init(_ state: State) { self.state = Mutex(state) }
  }

  /// Hands the pseudo-terminal to the device thread, which alone touches it afterwards.
  private final class Handover: @unchecked Sendable {
    let terminal: PseudoTerminal
    init(_ terminal: PseudoTerminal) { self.terminal = terminal }
  }

  public init(model: Model, frameGap: Duration = .milliseconds(5), replyDelay: Duration = .zero)
    throws(SerialPortError)
  {
    let terminal = try PseudoTerminal()
    path = terminal.path
    let shared = Shared(State(model: model))
    self.shared = shared
    let handover = Handover(terminal)
    let thread = Thread { [finished] in
      Self.serve(handover.terminal, state: shared.state, frameGap: frameGap, replyDelay: replyDelay)
      finished.signal()
    }
    thread.name = "pty device \(terminal.path)"
    thread.start()
  }

  deinit {
    stop()
  }

  /// Changes the model while it runs (a new object temperature, a fault switched on).
  public func update(_ change: (inout Model) -> Void) {
    shared.state.withLock { change(&$0.model) }
  }

  public var model: Model { shared.state.withLock { $0.model } }
  public var commandsHandled: Int { shared.state.withLock { $0.commandsHandled } }

  /// Bytes the device sends unasked (line noise, a late reply).
  public func inject(_ bytes: [UInt8]) {
    shared.state.withLock { $0.injections.append(bytes) }
  }

  /// A muted device reads commands but answers none (a stalled device).
  public var isMuted: Bool { shared.state.withLock { $0.muted } }

  public func setMuted(_ muted: Bool) {
    shared.state.withLock { $0.muted = muted }
  }

  /// Closes the line under the driver, as pulling the USB-serial plug does.
  public func unplug() {
    shared.state.withLock { $0.unplugRequested = true }
  }

  public func stop() {
    let wasRunning = shared.state.withLock { state in
      defer { state.running = false }
      return state.running
    }
    if wasRunning { _ = finished.wait(timeout: .now() + 2) }
  }

  private static func serve(
    _ terminal: PseudoTerminal, state: borrowing Mutex<State>, frameGap: Duration, replyDelay: Duration
  ) {
    defer { terminal.hangUp() }
    var frame: [UInt8] = []
    while true {
      let (running, unplug, injections) = state.withLock { state in
        defer { state.injections = [] }
        return (state.running, state.unplugRequested, state.injections)
      }
      guard running, !unplug else { return }
      do {
        for bytes in injections { try terminal.write(bytes) }
        let arrived = try terminal.readAvailable(timeout: frame.isEmpty ? .milliseconds(20) : frameGap)
        if !arrived.isEmpty {
          frame += arrived
          continue
        }
        guard !frame.isEmpty else { continue }
        let command = frame
        frame = []
        let reply = state.withLock { state in
          state.commandsHandled += 1
          let reply = state.model.handle(command)
          return state.muted ? [] : reply
        }
        if replyDelay > .zero { Thread.sleep(forTimeInterval: replyDelay.seconds) }
        if !reply.isEmpty { try terminal.write(reply) }
      } catch .disconnected {
        return
      } catch {
        // Anything else is the line's passing trouble, not the device's end: keep serving.
        frame = []
        Thread.sleep(forTimeInterval: 0.01)
      }
    }
  }
}

extension Duration {
  var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
