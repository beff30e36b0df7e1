import ArgumentParser
import Foundation
import ThermoCore
import ThermoDevices
import ThermoDispatch
import ThermoStore

/// For crash drills and the kill -9 test: raises alerts (each after registering its screening)
/// through the real store and dispatcher, printing a line only once each is durably accepted,
/// and delivers to a webhook until drained or killed.
struct DispatchDrillCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dispatch-drill",
    abstract: "Raise numbered test alerts and deliver them (crash drills).",
    shouldDisplay: false
  )

  @OptionGroup var store: StoreOption
  @Option(help: "Alerts to raise.") var count = 10
  @Option(help: "Number of the first alert's screening.") var first = 1
  @Option(help: "Seconds between alerts.") var interval = 0.01
  @Option(help: "Webhook to deliver to.") var webhook: String
  @Option(help: "Webhook signing secret.") var secret = "drill"
  @Flag(help: "After raising, exit once nothing is pending.") var drain = false
  @Option(help: "Also connect to the MQTT broker on 127.0.0.1 at this port, with the gateway's will.")
  var mqttPort: Int?
  @Option(help: "Site name for MQTT topics.") var site = "drill"

  func run() async throws {
    let path = try store.database
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
      withIntermediateDirectories: true)
    let alertStore = try AlertStore(path: path)
    let dispatcher = Dispatcher(
      store: alertStore,
      settings: .init(
        routing: Routing(routes: [Route(sinks: ["webhook"])]),
        retry: RetryPolicy(initialDelay: 0.05, maximumDelay: 0.5)),
      sinks: [WebhookSink(name: "webhook", url: webhook, secret: Array(secret.utf8), timeout: .seconds(2))])
    let delivering = Task { await dispatcher.run() }
    let presence = try mqttPort.map { port in
      try MQTTClient(
        settings: .init(
          port: port, clientID: "thermogate-\(site)", keepAlive: 5,
          will: (MQTTSink.gatewayTopic(site: site), "offline"), birth: (MQTTSink.gatewayTopic(site: site), "online")))
    }
    for screening in first..<(first + count) {
      let decision = Decision(
        time: Date().timeIntervalSince1970, screeningClass: .fever, reason: .confirmedByRecheck, person: nil,
        rawObjectC: 36.9, skinC: 37.0, ambientC: 22, bodyC: 38.3, thresholdC: 37.3, thresholdSource: .fixed,
        baselineC: nil, guardBandC: 0.1, calibrationID: "drill", bodyModelVersion: "drill", recheck: nil,
        sampleCount: 10)
      let registered = try alertStore.register([
        RegisterEntry(decision: decision, entrance: "drill", device: nil, policy: .omitted)
      ])
      let acceptance = try await dispatcher.raise(
        Alert(
          kind: .fever, entrance: "drill", raisedAt: decision.time, summary: "drill fever \(screening)",
          screeningID: Int64(screening)))
      if case .accepted(let id, _) = acceptance {
        FileHandle.standardOutput.write(Data("accepted \(id) screening \(registered.first ?? 0)\n".utf8))
      }
      try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
    }
    while drain {
      if try alertStore.queueDepth().pending == 0 { break }
      try await Task.sleep(for: .milliseconds(20))
    }
    if !drain { await delivering.value }
    delivering.cancel()
    withExtendedLifetime(presence) {}
  }
}
