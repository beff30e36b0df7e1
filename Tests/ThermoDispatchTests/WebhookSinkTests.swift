import Foundation
import Testing

@testable import ThermoDispatch
@testable import ThermoStore

@Suite(.timeLimit(.minutes(1))) struct WebhookSinkTests {
  let secret = Array("shared webhook secret".utf8)

  func job(_ id: Int64) -> DeliveryJob {
    DeliveryJob(
      alertID: id, sink: "webhook", sequence: 0, attempts: 0, kind: .fever, entrance: "north", device: "sim:mlx90614",
      raisedAt: 1_764_400_000.25, summary: "fever 38.4 °C at \"north\"", details: #"{"body_c":38.4}"#)
  }

  @Test func statusCodesBecomeTheRightOutcomes() {
    #expect(WebhookSink.outcome(status: 204) == .delivered)
    #expect(WebhookSink.outcome(status: 429) == .retry("HTTP 429"))
    #expect(WebhookSink.outcome(status: 503) == .retry("HTTP 503"))
    #expect(WebhookSink.outcome(status: 408) == .retry("HTTP 408"))
    #expect(WebhookSink.outcome(status: 404) == .failed("HTTP 404"))
    #expect(WebhookSink.outcome(status: 401) == .failed("HTTP 401"))
  }

  @Test func theBodyIsValidJSONWithTheKeyAndTheDetails() throws {
    let body = WebhookSink.body(for: job(7))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    #expect(object["idempotency_key"] as? String == "alert-7-webhook")
    #expect(object["summary"] as? String == "fever 38.4 °C at \"north\"")
    #expect((object["details"] as? [String: Any])?["body_c"] as? Double == 38.4)
    #expect(object["raised_at"] as? Double == 1_764_400_000.25)
  }

  @Test func aReceiverThatFailsInEveryWayGetsEveryAlertSignedInTheEnd() async throws {
    let receiver = try WebhookReceiver(
      script: [.status(500), .status(429), .stall(seconds: 2), .hangUp, .status(503)], secret: secret)
    defer { receiver.shutdown() }
    let sink = WebhookSink(name: "webhook", url: receiver.url, secret: secret, timeout: .milliseconds(500))
    let dispatcher = Dispatcher(
      store: try AlertStore(path: temporaryDatabase()),
      settings: .init(
        routing: Routing(routes: [Route(sinks: ["webhook"])]),
        retry: RetryPolicy(initialDelay: 0.05, maximumDelay: 0.2, jitter: 0.2)),
      sinks: [sink])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    for screening in 1...3 {
      try await dispatcher.raise(
        Alert(
          kind: .fever, entrance: "north", raisedAt: Date().timeIntervalSince1970, summary: "fever",
          screeningID: Int64(screening)))
    }
    let delivered = await eventually(
      {
        (try? dispatcher.store.alerts())?.allSatisfy { $0.deliveries.allSatisfy { $0.status == "delivered" } } == true
      }, within: 20)
    #expect(delivered)
    let requests = receiver.requests
    #expect(requests.allSatisfy { $0.signatureValid })
    // Every alert arrived; the stalled and dropped attempts mean some arrived more than once,
    // always under the same key.
    #expect(
      Set(requests.compactMap(\.idempotencyKey).map(unscoped)) == [
        "alert-1-webhook", "alert-2-webhook", "alert-3-webhook",
      ])
    #expect(requests.count >= 3 + 5)
  }

  @Test func aRefusingReceiverFailsTheDeliveryForGood() async throws {
    let receiver = try WebhookReceiver(script: [.status(404)], secret: secret)
    defer { receiver.shutdown() }
    let sink = WebhookSink(name: "webhook", url: receiver.url, secret: secret)
    #expect(await sink.deliver(job(1)) == .failed("HTTP 404"))
    #expect(receiver.requests.first?.signatureValid == true)
    // A receiver checking signatures would refuse one made with another secret.
    let forged = WebhookSink(name: "webhook", url: receiver.url, secret: Array("wrong".utf8))
    #expect(await forged.deliver(job(2)) == .delivered)
    #expect(receiver.requests.last?.signatureValid == false)
  }
}
