import Foundation
import Testing

@testable import ThermoStore

/// The alert in each of its forms, against the JSON the API, the dashboard and the receivers read.
@Suite struct AlertMessageTests {
  let raisedAt = 1_764_400_000.25
  let routing = RoutingDecision(sinks: ["gate", "webhook"], escalateTo: [], escalateAfter: nil)

  func storeWithAFever() throws -> AlertStore {
    let store = try AlertStore(path: temporaryDatabase())
    _ = try store.accept(
      Alert(
        kind: .fever, entrance: "north", device: "sim:mlx90614", raisedAt: raisedAt, summary: "fever 38.4 °C",
        details: #"{"body_c":"38.40"}"#, screeningID: 1),
      routing: routing)
    return store
  }

  func deliver(_ sink: String, in store: AlertStore) throws {
    for job in try store.dueDeliveries(sink: sink, now: raisedAt + 1_000) {
      try store.record(.delivered, for: job, at: raisedAt + 1, retry: RetryPolicy(), random: 0)
    }
  }

  func roundTrips(_ message: AlertMessage) throws {
    let decoded = try WireJSON.decode(AlertMessage.self, from: WireJSON.string(message))
    #expect(decoded == message)
  }

  @Test func theRecordIsTheAPIsForm() throws {
    let store = try storeWithAFever()
    try deliver("gate", in: store)
    _ = try store.acknowledge(id: 1, by: "duty doctor", at: 1_764_400_060)
    let message = AlertMessage(record: try #require(try store.alert(id: 1)))
    #expect(
      WireJSON.string(message)
        == #"{"acknowledged_at":"2025-11-29T07:07:40.000Z","acknowledged_by":"duty doctor","deliveries":["#
        + #"{"attempts":1,"last_error":null,"sequence":0,"sink":"gate","status":"delivered"},"#
        + #"{"attempts":0,"last_error":null,"sequence":0,"sink":"webhook","status":"pending"}],"#
        + #""device":"sim:mlx90614","entrance":"north","id":1,"kind":"fever","#
        + #""raised_at":"2025-11-29T07:06:40.250Z","resolved_at":null,"summary":"fever 38.4 °C"}"#)
    try roundTrips(message)
  }

  @Test func theDashboardKeepsEachSinksLatestNoticeAndWhatThePageComputesWith() throws {
    let store = try storeWithAFever()
    try deliver("gate", in: store)
    try deliver("webhook", in: store)
    #expect(try store.repeatUnacknowledged(kinds: [.fever], interval: 60, now: raisedAt + 300) == [1])
    let message = AlertMessage(dashboard: try #require(try store.alert(id: 1)))
    #expect(
      WireJSON.string(message)
        == #"{"acknowledged_at":null,"acknowledged_by":null,"deliveries":["#
        + #"{"attempts":0,"last_error":null,"sequence":1,"sink":"gate","status":"pending"},"#
        + #"{"attempts":0,"last_error":null,"sequence":1,"sink":"webhook","status":"pending"}],"#
        + #""device":"sim:mlx90614","entrance":"north","id":1,"kind":"fever","open":true,"#
        + #""raised_at":"2025-11-29T07:06:40.250Z","raised_at_s":1764400000.25,"resolved":false,"#
        + #""resolved_at":null,"summary":"fever 38.4 °C"}"#)
    try roundTrips(message)
  }

  @Test func theNoticeIsWhatWebhooksAndMQTTReceiversGet() throws {
    let job = DeliveryJob(
      alertID: 7, sink: "webhook", sequence: 0, attempts: 0, kind: .fever, entrance: "north", device: nil,
      raisedAt: raisedAt, summary: "fever 38.4 °C at \"north\"", details: #"{"body_c":38.4,"recheck":"1:opened"}"#)
    let message = AlertMessage(notice: job)
    #expect(
      WireJSON.string(message)
        == #"{"alert_id":7,"details":{"body_c":38.4,"recheck":"1:opened"},"device":null,"entrance":"north","#
        + #""idempotency_key":"alert-7-webhook","kind":"fever","raised_at":1764400000.25,"sequence":0,"#
        + #""summary":"fever 38.4 °C at \"north\""}"#)
    try roundTrips(message)
  }

  @Test func detailsThatAreNotJSONGoAsAnEmptyObject() throws {
    var job = DeliveryJob(
      alertID: 1, sink: "mqtt", sequence: 2, attempts: 0, kind: .deviceFault, entrance: "south", device: "hid:1",
      raisedAt: 5, summary: "s", details: "not json")
    job.storeID = "ab12"
    let message = AlertMessage(notice: job)
    #expect(message.details == .object([:]))
    #expect(message.idempotencyKey == "ab12:alert-1-mqtt-2")
    #expect(WireJSON.string(message).contains(#""details":{}"#))
  }
}
