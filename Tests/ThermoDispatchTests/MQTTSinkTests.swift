import Foundation
import Synchronization
import TestSupport
import Testing
import ThermoDevices

@testable import ThermoDispatch
@testable import ThermoStore

/// Collects what a subscriber receives.
final class Inbox: Sendable {
  let messages = Mutex<[MQTTClient.Message]>([])
  var keys: Set<String> {
    messages.withLock { messages in
      Set(
        messages.compactMap {
          ((try? JSONSerialization.jsonObject(with: Data($0.payload)) as? [String: Any])?["idempotency_key"] as? String)
            .map(unscoped)
        })
    }
  }

  func collect(from client: MQTTClient) -> Task<Void, Never> {
    Task {
      for await message in client.messages { messages.withLock { $0.append(message) } }
    }
  }
}

@Suite(.timeLimit(.minutes(2)), .enabled(if: MosquittoBroker.isInstalled)) struct MQTTSinkTests {
  func subscriber(_ broker: MosquittoBroker, topic: String) async throws -> (MQTTClient, Inbox, Task<Void, Never>) {
    // A guard display: fixed id and a kept session, so the broker queues QoS 1 messages for it
    // while it is away.
    let client = try MQTTClient(
      settings: .init(port: broker.port, clientID: "guard-\(UUID().uuidString.prefix(8))", cleanSession: false))
    try client.subscribe(topic)
    _ = await eventually { client.isConnected }
    let inbox = Inbox()
    return (client, inbox, inbox.collect(from: client))
  }

  @Test func aQoS1PublishReturnsOnlyOnceTheBrokerHasIt() async throws {
    let broker = try MosquittoBroker()
    let client = try MQTTClient(settings: .init(port: broker.port, clientID: "publisher"))
    #expect(await eventually { client.isConnected })
    try await client.publish(topic: "t/1", payload: Array("hello".utf8), timeout: .seconds(5))
    broker.stop()
    _ = await eventually { !client.isConnected }
    // No broker: no PUBACK, so the publish does not count as delivered.
    await #expect(throws: MQTTError.self) {
      try await client.publish(topic: "t/1", payload: Array("lost?".utf8), timeout: .milliseconds(300))
    }
  }

  @Test func everyAlertArrivesAlthoughTheBrokerIsStoppedMidStream() async throws {
    let broker = try MosquittoBroker()
    let topic = MQTTSink.alertTopic(site: "hq", entrance: "north")
    let (guardDisplay, inbox, collecting) = try await subscriber(broker, topic: topic)
    defer { collecting.cancel() }
    let publisher = try MQTTClient(settings: .init(port: broker.port, clientID: "gateway"))
    let sink = MQTTSink(site: "hq", client: publisher, acknowledgementTimeout: .milliseconds(500))
    let dispatcher = Dispatcher(
      store: try AlertStore(path: temporaryDatabase()),
      settings: .init(
        routing: Routing(routes: [Route(sinks: ["mqtt"])]),
        retry: RetryPolicy(initialDelay: 0.1, maximumDelay: 0.5, jitter: 0.2)),
      sinks: [sink])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    for screening in 1...30 {
      try await dispatcher.raise(
        Alert(
          kind: .fever, entrance: "north", raisedAt: Date().timeIntervalSince1970, summary: "fever",
          screeningID: Int64(screening)))
      if screening == 10 { broker.stop() }
      if screening == 20 { try broker.start() }
      try await Task.sleep(for: .milliseconds(30))
    }
    let expected = Set((1...30).map { "alert-\($0)-mqtt" })
    #expect(
      await eventually({ inbox.keys == expected }, within: 60), "missing: \(expected.subtracting(inbox.keys).sorted())")
    // The broker's PUBACK, not the send, marked each delivery done.
    #expect(
      await eventually({
        (try? dispatcher.store.alerts())?.allSatisfy { $0.deliveries.allSatisfy { $0.status == "delivered" } } == true
      }))
    withExtendedLifetime(guardDisplay) {}
  }
}

@Suite(.timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.isInstalled)) struct MQTTPresenceTests {
  @Test func theGatewaySaysOnlineAndItsWillSaysOfflineWhenItIsKilled() async throws {
    let broker = try MosquittoBroker()
    let topic = MQTTSink.gatewayTopic(site: "hq")
    let display = try MQTTClient(settings: .init(port: broker.port, clientID: "display"))
    try display.subscribe(topic)
    let inbox = Inbox()
    let collecting = inbox.collect(from: display)
    defer { collecting.cancel() }
    let gateway = try ChildProcess(
      Binary.thermogate,
      [
        "dispatch-drill", "--database", temporaryDatabase(), "--count", "0", "--webhook", "http://127.0.0.1:9/",
        "--mqtt-port", "\(broker.port)", "--site", "hq",
      ])
    func payloads() -> [String] { inbox.messages.withLock { $0.map { String(decoding: $0.payload, as: UTF8.self) } } }
    #expect(await eventually { payloads().last == "online" })
    gateway.stop(signal: SIGKILL)
    #expect(await eventually { payloads().last == "offline" })
    // Retained: a display that connects now learns the gateway is offline at once.
    let late = try MQTTClient(settings: .init(port: broker.port, clientID: "late-display"))
    try late.subscribe(topic)
    let lateInbox = Inbox()
    let lateCollecting = lateInbox.collect(from: late)
    defer { lateCollecting.cancel() }
    #expect(
      await eventually {
        lateInbox.messages.withLock { $0.contains { $0.retained && $0.payload == Array("offline".utf8) } }
      })
  }
}

@Suite(.timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.isInstalled)) struct MQTTCredentialsTests {
  @Test func aBrokerWithPasswordsAcceptsTheRightOneOnly() async throws {
    let broker = try MosquittoBroker(credentials: ("gateway", "s3cret"))
    let right = try MQTTClient(
      settings: .init(port: broker.port, clientID: "right", username: "gateway", password: "s3cret"))
    let wrong = try MQTTClient(
      settings: .init(port: broker.port, clientID: "wrong", username: "gateway", password: "guess"))
    let anonymous = try MQTTClient(settings: .init(port: broker.port, clientID: "anonymous"))
    #expect(await eventually { right.isConnected })
    try await right.publish(topic: "t", payload: [1], timeout: .seconds(5))
    try await Task.sleep(for: .milliseconds(300))
    #expect(!wrong.isConnected)
    #expect(!anonymous.isConnected)
    await #expect(throws: MQTTError.self) {
      try await wrong.publish(topic: "t", payload: [1], timeout: .milliseconds(200))
    }
  }
}

@Suite(.timeLimit(.minutes(1)), .enabled(if: MosquittoBroker.isInstalled)) struct MQTTTLSTests {
  @Test func aTLSBrokerIsReachedWithItsCAAndNotWithoutTLS() async throws {
    let broker = try MosquittoBroker(tls: true)
    let secure = try MQTTClient(settings: .init(port: broker.port, clientID: "secure", caFile: broker.caFile))
    #expect(await eventually { secure.isConnected })
    try await secure.publish(topic: "t", payload: [1], timeout: .seconds(5))
    let plain = try MQTTClient(settings: .init(port: broker.port, clientID: "plain"))
    try await Task.sleep(for: .milliseconds(500))
    #expect(!plain.isConnected)
  }
}
