import Foundation
import GRDB
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TestSupport
import Testing
import ThermoDevices

@testable import ThermoDispatch
@testable import ThermoStore

// Regressions from the dispatcher review (helper-12): each test states the behaviour the
// requirements ask for.

final class CountingGate: GateOutput {
  let holds = Mutex(0)
  func hold(entrance: String) async throws { holds.withLock { $0 += 1 } }
  func release(entrance: String) async throws {}
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct ReviewWakeSignalTests {
  // R1: after one real signal, every later wait returns at once (the cancelled timer signals).
  @Test func aWaitAfterASignalStillWaitsForItsTimeout() async {
    let signal = WakeSignal()
    signal.signal()
    await signal.wait(timeout: .seconds(5))  // consumes the real signal
    var early = 0
    for _ in 0..<10 {
      let start = ContinuousClock.now
      await signal.wait(timeout: .milliseconds(200))
      if ContinuousClock.now - start < .milliseconds(100) { early += 1 }
    }
    #expect(early == 0, "\(early) of 10 waits returned without a signal")
  }
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct ReviewStoreTests {
  // R2: a device fault raised every sample during a silence: one row per sample.
  @Test func aFaultRaisedEverySampleUnderASilenceIsOneAlert() throws {
    let store = try AlertStore(path: temporaryDatabase())
    _ = try store.addSilence(
      Silence(device: "d1", reason: "maintenance", createdBy: "tech", startsAt: 0, endsAt: 10_000))
    let logOnly = RoutingDecision(sinks: ["log"], escalateTo: [], escalateAfter: nil)
    for sample in 0..<100 {
      _ = try store.accept(
        Alert(kind: .deviceFault, entrance: "north", device: "d1", raisedAt: 100 + Double(sample), summary: "stuck"),
        routing: logOnly)
    }
    let rows = try store.alerts(limit: 1000).count
    print("REVIEW silenced fault raised 100 times -> \(rows) alert rows")
    #expect(rows == 1)
  }

  // R5: repeats pile up behind a sink that is down: one more pending row per interval.
  @Test func repeatsDoNotQueueBehindAPendingDelivery() throws {
    let store = try AlertStore(path: temporaryDatabase())
    let routing = RoutingDecision(sinks: ["webhook"], escalateTo: [], escalateAfter: nil)
    _ = try store.accept(
      Alert(kind: .fever, entrance: "north", raisedAt: 0, summary: "", screeningID: 1), routing: routing)
    for tick in 1...12 { _ = try store.repeatUnacknowledged(kinds: [.fever], interval: 300, now: Double(tick) * 300) }
    let pending = try store.dueDeliveries(sink: "webhook", now: 10_000).count
    print("REVIEW webhook down for an hour: \(pending) pending messages for one fever")
    #expect(pending == 1)
  }
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct ReviewDispatcherTests {
  func fever(_ screening: Int64) -> Alert {
    Alert(kind: .fever, entrance: "north", raisedAt: Date().timeIntervalSince1970, summary: "f", screeningID: screening)
  }

  // R3: a delivery whose outcome cannot be recorded is re-sent in a tight loop, no backoff.
  @Test func anUnrecordableOutcomeIsNotResentInATightLoop() async throws {
    let store = try AlertStore(path: temporaryDatabase())
    let webhook = RecordingSink(name: "webhook")
    let routing = Routing(routes: [Route(sinks: ["webhook"])])
    _ = try store.accept(fever(1), routing: routing.decide(fever(1)))
    // The disk fills up after the alert was accepted.
    try await store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
    let dispatcher = Dispatcher(store: store, settings: .init(routing: routing), sinks: [webhook])
    let running = Task { await dispatcher.run() }
    try await Task.sleep(for: .seconds(1))
    running.cancel()
    let sent = webhook.keys.count
    print("REVIEW one alert POSTed \(sent) times in one second while the store refuses writes")
    #expect(sent < 5)
  }

  // R4: with the store unwritable, fevers reach no local sink and the gate is never held.
  @Test func aFeverThatCannotBeStoredStillHoldsTheGate() async throws {
    let store = try AlertStore(path: temporaryDatabase())
    let gate = CountingGate()
    let log = RecordingSink(name: "log", isLocal: true)
    let dispatcher = Dispatcher(
      store: store,
      settings: .init(routing: Routing(routes: [Route(sinks: ["gate", "log"])], localSinks: ["gate", "log"])),
      sinks: [GateSink(gate: gate), log])
    try await store.database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
    for screening in 1...3 { _ = try? await dispatcher.raise(fever(Int64(screening))) }
    let holds = gate.holds.withLock { $0 }
    let lines = log.keys.count
    print("REVIEW 3 fevers with the store down: gate held \(holds) times, log sink got \(lines) message(s)")
    #expect(holds == 3)
    // Three fevers and one storage notice.
    #expect(lines == 4)
  }

  // R6: a repeat (or escalation) of an old unacknowledged fever holds the turnstile again.
  @Test func aRepeatDoesNotHoldTheTurnstileAgain() async throws {
    let gate = CountingGate()
    let dispatcher = Dispatcher(
      store: try AlertStore(path: temporaryDatabase()),
      settings: .init(
        routing: Routing(routes: [Route(sinks: ["gate"])], localSinks: ["gate"]), repeatInterval: 0.3,
        maintenanceInterval: 0.05),
      sinks: [GateSink(gate: gate)])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    try await dispatcher.raise(fever(1))
    try await Task.sleep(for: .milliseconds(1500))
    let holds = gate.holds.withLock { $0 }
    print("REVIEW one fever held the turnstile \(holds) times")
    #expect(holds == 1)
  }
}

/// An HTTP endpoint that redirects POST /alerts to /moved (status chosen), or answers 200 with a
/// promised body it never sends.
final class OddReceiver: Sendable {
  enum Mode: Sendable { case redirect(Int), stallBody }
  struct Seen: Sendable { var method: String; var uri: String; var bodyBytes: Int }
  let port: Int
  private let channel: any Channel
  private let group: MultiThreadedEventLoopGroup

  init(mode: Mode) throws {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let recorder = Recorder()
    let channel = try ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(Handler(mode: mode, recorder: recorder))
        }
      }
      .bind(host: "127.0.0.1", port: 0).wait()
    self.port = channel.localAddress?.port ?? 0
    self.channel = channel
    self.group = group
    self.recorder = recorder
  }
  let recorder: Recorder

  final class Recorder: Sendable { let seen = Mutex<[Seen]>([]) }

  var url: String { "http://127.0.0.1:\(port)/alerts" }

  func shutdown() {
    try? channel.close().wait()
    try? group.syncShutdownGracefully()
  }

  final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let mode: Mode
    let recorder: Recorder
    var head: HTTPRequestHead?
    var bytes = 0
    init(mode: Mode, recorder: Recorder) {
      self.mode = mode
      self.recorder = recorder
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let head):
        self.head = head
        bytes = 0
      case .body(let buffer): bytes += buffer.readableBytes
      case .end:
        guard let head = self.head else { return }
        recorder.seen.withLock { $0.append(Seen(method: "\(head.method)", uri: head.uri, bodyBytes: bytes)) }
        var headers = HTTPHeaders()
        switch mode {
        case .redirect(let code) where head.uri == "/alerts":
          headers.add(name: "Location", value: "/moved")
          headers.add(name: "Content-Length", value: "0")
          context.write(
            wrapOutboundOut(.head(.init(version: .http1_1, status: .init(statusCode: code), headers: headers))),
            promise: nil)
          context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .redirect:
          headers.add(name: "Content-Length", value: "0")
          context.write(wrapOutboundOut(.head(.init(version: .http1_1, status: .ok, headers: headers))), promise: nil)
          context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .stallBody:
          headers.add(name: "Content-Length", value: "100")
          context.writeAndFlush(
            wrapOutboundOut(.head(.init(version: .http1_1, status: .ok, headers: headers))), promise: nil)
        }
      }
    }
  }
}

@Suite(.serialized, .timeLimit(.minutes(3))) struct ReviewWebhookTests {
  let job = DeliveryJob(
    alertID: 1, sink: "webhook", sequence: 0, attempts: 0, kind: .fever, entrance: "north", device: nil,
    raisedAt: 1, summary: "fever", details: "{}")

  // R8: a redirect turns the POST into a body-less GET, and its 200 counts as delivered.
  @Test(arguments: [301, 302, 303]) func aRedirectIsNotADelivery(code: Int) async throws {
    let receiver = try OddReceiver(mode: .redirect(code))
    defer { receiver.shutdown() }
    let sink = WebhookSink(name: "webhook", url: receiver.url, secret: Array("s".utf8), timeout: .seconds(2))
    let outcome = await sink.deliver(job)
    let seen = receiver.recorder.seen.withLock { $0 }
    print("REVIEW \(code): outcome \(outcome); receiver saw \(seen.map { "\($0.method) \($0.uri) \($0.bodyBytes) B" })")
    #expect(outcome != .delivered || seen.contains { $0.uri == "/moved" && $0.method == "POST" && $0.bodyBytes > 0 })
  }

  // R9: the timeout does not cover the response body: a 200 whose body never comes holds the
  // worker for the shared client's 90 s read timeout.
  @Test func theTimeoutBoundsTheWholeDelivery() async throws {
    let receiver = try OddReceiver(mode: .stallBody)
    defer { receiver.shutdown() }
    let sink = WebhookSink(name: "webhook", url: receiver.url, secret: Array("s".utf8), timeout: .milliseconds(500))
    let done = Mutex<Bool>(false)
    let job = self.job
    let delivering = Task {
      _ = await sink.deliver(job); done.withLock { $0 = true }
    }
    try await Task.sleep(for: .seconds(4))
    let finished = done.withLock { $0 }
    print("REVIEW deliver with a 0.5 s timeout finished within 4 s: \(finished)")
    delivering.cancel()
    #expect(finished)
  }
}

@Suite(.serialized, .timeLimit(.minutes(6))) struct ReviewMQTTTests {
  // R10: a topic libmosquitto refuses (an entrance called "gate #2") retries for ever instead of
  // failing (and escalating).
  @Test func anInvalidTopicFailsForGood() async throws {
    let client = try MQTTClient(settings: .init(port: try MosquittoBroker.freePort(), clientID: "r10"))
    let sink = MQTTSink(site: "hq", client: client, acknowledgementTimeout: .milliseconds(200))
    let outcome = await sink.deliver(
      DeliveryJob(
        alertID: 1, sink: "mqtt", sequence: 0, attempts: 0, kind: .fever, entrance: "gate #2", device: nil,
        raisedAt: 1, summary: "f", details: "{}"))
    print("REVIEW entrance 'gate #2' -> \(outcome)")
    guard case .failed = outcome else {
      Issue.record("expected .failed, got \(outcome)")
      return
    }
  }
}

@Suite(.serialized) struct ReviewMQTTInitTests {
  // R12: a throwing init after all stored properties are set runs deinit on a destroyed handle.
  @Test func aBadCAFileIsAnErrorNotACrash() {
    #expect(throws: MQTTError.self) {
      _ = try MQTTClient(settings: .init(port: 1, clientID: "r12", caFile: "/nonexistent/ca.pem"))
    }
  }
}
