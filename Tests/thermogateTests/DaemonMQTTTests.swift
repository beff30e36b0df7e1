import Foundation
import Synchronization
import TestSupport
import ThermoDevices
import ThermoDispatch
import XCTest

/// `thermogate run` with an MQTT sink on a real mosquitto: the gateway's birth message, each
/// entrance's retained state, and alerts on the entrance's topic.
final class DaemonMQTTTests: XCTestCase {
  func testTheDaemonPublishesStatesAndAlertsToTheBroker() throws {
    try XCTSkipUnless(MosquittoBroker.isInstalled, "mosquitto is installed by make deps")
    let broker = try MosquittoBroker()
    let directory = NSTemporaryDirectory() + "thermogate-mqtt-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    let subscriber = try MQTTClient(
      settings: .init(port: broker.port, clientID: "display-\(UUID().uuidString.prefix(8))"))
    try subscriber.subscribe("thermogate/mq/#")
    let received = Received()
    let collector = Task {
      for await message in subscriber.messages {
        received.messages.withLock { $0.append((message.topic, String(decoding: message.payload, as: UTF8.self))) }
      }
    }
    defer { collector.cancel() }

    let config = "\(directory)/gate.yaml"
    try """
    site: mq
    state_directory: state
    screening: {warm_up_s: 1}
    entrances:
      - {name: north, thermometer: "sim:mcp2221?seed=5&arrivals=40&febrile=1"}
    sinks:
      - {name: log, type: log}
      - {name: office, type: mqtt, host: 127.0.0.1, port: \(broker.port)}
    routes:
      - {sinks: [log, office]}
    http: {enabled: false}
    """.write(toFile: config, atomically: true, encoding: .utf8)
    let daemon = try ChildProcess(
      CLI.binary.path, ["run", "--config", config], output: "\(directory)/out", errors: "\(directory)/err")
    defer { daemon.stop(signal: SIGKILL, timeout: 5) }

    func waitFor(_ what: String, _ condition: ([(String, String)]) -> Bool) {
      let deadline = Date().addingTimeInterval(60)
      while Date() < deadline {
        if received.messages.withLock({ condition($0) }) { return }
        Thread.sleep(forTimeInterval: 0.2)
      }
      let log = (try? String(contentsOfFile: "\(directory)/err", encoding: .utf8)) ?? ""
      XCTFail("no \(what) on the broker; got \(received.messages.withLock { $0 }); log:\n\(log.suffix(2000))")
    }
    waitFor("birth message") { $0.contains { $0 == ("thermogate/mq/gateway", "online") } }
    waitFor("north ready") { $0.contains { $0 == ("thermogate/mq/north/status", "ready") } }
    waitFor("an alert from north") { messages in
      messages.contains { topic, payload in
        topic == "thermogate/mq/north/alerts" && (payload.contains("\"elevated\"") || payload.contains("\"fever\""))
      }
    }
    XCTAssertTrue(daemon.stop(signal: SIGTERM, timeout: 20))
    XCTAssertEqual(daemon.exitStatus, 0)
  }
}

final class Received: Sendable {
  let messages = Mutex<[(String, String)]>([])
}
