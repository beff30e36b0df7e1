import Foundation
import ThermoCore
import ThermoDaemon
import ThermoStore

/// The demo's live view: one line per entrance, redrawn in place on a terminal, every ten
/// seconds otherwise; and the summary at the end.
public actor DemoStatusBoard {
  private var status: GatewayStatus?
  private var store: AlertStore?
  private var task: Task<Void, Never>?
  private var startedAt = Date().timeIntervalSince1970

  public init() {}

  public func start(status: GatewayStatus, store: AlertStore, interactive: Bool) {
    self.status = status
    self.store = store
    task?.cancel()
    task = Task {
      var drawn = 0
      while !Task.isCancelled {
        try? await Task.sleep(for: .seconds(interactive ? 1 : 10))
        let lines = status.snapshot().map(Self.line)
        var text = interactive && drawn > 0 ? "\u{1B}[\(drawn)A" : ""
        for line in lines { text += (interactive ? "\u{1B}[2K" + line : line) + "\n" }
        if !interactive { text += "\n" }
        FileHandle.standardOutput.write(Data(text.utf8))
        drawn = lines.count
      }
    }
  }

  public func stop() {
    task?.cancel()
  }

  static func line(_ entrance: EntranceStatus) -> String {
    let name = entrance.entrance.padding(toLength: 7, withPad: " ", startingAt: 0)
    let state = entrance.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
    let counts = ScreeningClass.allCases.compactMap { cls in
      entrance.counts[cls.rawValue].map { "\(cls.rawValue) \($0)" }
    }.joined(separator: ", ")
    let last =
      entrance.lastScreening.map { screening in
        let body = screening.bodyC.map { String(format: " %.1f °C", $0) } ?? ""
        return "last: \(screening.screeningClass)\(body) \(screening.person ?? "")"
      } ?? "last: -"
    let gate = entrance.gateHeld ? "  GATE HELD" : ""
    let decision =
      entrance.lastDecision.map { "\($0.outcome == "granted" ? "IN " : "NO ")\($0.reason)" } ?? ""
    let access =
      entrance.todayAccess.isEmpty
      ? "" : "  in \(entrance.todayAccess["granted"] ?? 0), denied \(entrance.todayAccess["denied"] ?? 0)"
    return "\(name) \(state) \(last.padding(toLength: 34, withPad: " ", startingAt: 0)) "
      + "\(decision.padding(toLength: 16, withPad: " ", startingAt: 0)) \(counts)\(access)\(gate)"
  }

  public func summary(since clock: GatewayClock) {
    guard let status else { return }
    print("\nsummary:")
    var totals: [String: Int] = [:]
    for entrance in status.snapshot() {
      let counts = entrance.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
      print("  \(entrance.entrance): \(entrance.samples) samples; \(counts.isEmpty ? "no screenings" : counts)")
      for (key, value) in entrance.counts { totals[key, default: 0] += value }
    }
    let screenings = totals.values.reduce(0, +)
    let alerts = (try? store?.alerts(limit: 10_000)) ?? []
    let recent = alerts.filter { $0.raisedAt >= startedAt - 1 }
    let byKind = Dictionary(grouping: recent, by: \.kind.rawValue).map { "\($0.key) \($0.value.count)" }.sorted()
    print(
      "  \(screenings) screening(s) registered; \(recent.count) alert(s) raised (\(byKind.joined(separator: ", ")))")
    let decisions = (try? store?.passageCounts(since: startedAt - 1)) ?? []
    if !decisions.isEmpty {
      var byReason: [String: Int] = [:]
      for count in decisions { byReason["\(count.outcome) \(count.reason)", default: 0] += count.count }
      let granted = decisions.filter { $0.outcome == "granted" }.reduce(0) { $0 + $1.count }
      let denied = byReason.filter { $0.key.hasPrefix("denied") }.sorted { $0.key < $1.key }
        .map { "\($0.key.dropFirst("denied ".count)) \($0.value)" }
      print(
        "  access: \(granted) let in, \(decisions.reduce(0) { $0 + $1.count } - granted) denied "
          + "(\(denied.joined(separator: ", ")))")
    }
    if let store { print("  register and alerts in \(store.path)") }
  }
}
