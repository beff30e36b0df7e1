import Foundation
import Testing
import ThermoStore

@testable import ThermoDaemon
@testable import ThermoHTTP

/// The API's own answers, against the JSON the dashboard, the CLI and monitoring read.
@Suite struct HTTPWireMessageTests {
  func roundTrips<Message: Codable & Equatable>(_ message: Message) throws {
    #expect(try WireJSON.decode(Message.self, from: WireJSON.string(message)) == message)
  }

  let north = EntranceStatus(
    entrance: "north", state: .ready, since: 10, device: "/dev/ttyUSB0", thresholdC: 37.3, thresholdSource: "fixed")

  @Test func healthAndProblemAndAcknowledgement() throws {
    let health = HealthMessage(site: "hq", entrances: ["north": .ready, "south": .noDevice])
    #expect(
      WireJSON.string(health) == #"{"entrances":{"north":"ready","south":"no_device"},"site":"hq","status":"ok"}"#)
    try roundTrips(health)
    #expect(WireJSON.string(ProblemMessage(error: "no open alert 3")) == #"{"error":"no open alert 3"}"#)
    let acknowledgement = AcknowledgementMessage(id: 3, acknowledgedBy: "duty")
    #expect(WireJSON.string(acknowledgement) == #"{"acknowledged_by":"duty","id":3}"#)
    try roundTrips(acknowledgement)
  }

  @Test func statusCarriesTheEntrancesAsTheyAre() throws {
    let status = StatusMessage(site: "hq", time: .text(1000), pendingDeliveries: 2, entrances: [north])
    let text = WireJSON.string(status)
    #expect(text.hasPrefix(#"{"entrances":[{"calibration_required":false,"counts":{},"device":"/dev/ttyUSB0","#))
    #expect(text.hasSuffix(#"],"pending_deliveries":2,"site":"hq","time":"1970-01-01T00:16:40.000Z"}"#))
    try roundTrips(status)
    let unread = StatusMessage(site: "hq", time: .text(1000), pendingDeliveries: nil, entrances: [])
    #expect(WireJSON.string(unread) == #"{"entrances":[],"site":"hq","time":"1970-01-01T00:16:40.000Z"}"#)
  }

  @Test func theLastScreeningIsTheScreeningShapeWithItsTimeInSeconds() throws {
    var entrance = north
    entrance.lastScreening = ScreeningMessage(
      entrance: "north", time: .seconds(1_764_400_000.25), person: nil, device: "/dev/ttyUSB0",
      screeningClass: "normal", reason: "below_threshold", rawObjectC: 35.2, skinC: 35.3, ambientC: 22.1,
      bodyC: 36.9, thresholdC: 37.3, thresholdSource: "fixed", baselineC: nil, guardBandC: 0.1,
      calibrationID: "cal-7", bodyModelVersion: "v1", recheck: nil, sampleCount: 12)
    let text = WireJSON.string([entrance])
    #expect(text.contains(#""last_screening":{"ambient_c":22.1,"baseline_c":null,"body_c":36.9,"#))
    #expect(text.contains(#""class":"normal","#))
    #expect(text.contains(#""time":1764400000.25}"#))
    try roundTrips(entrance)
  }

  @Test func theDashboardSnapshotAndHistory() throws {
    let alert = AlertMessage(
      id: 4, kind: .elevated, entrance: "north", device: nil, raisedAt: .text(1000), raisedAtSeconds: 1000,
      summary: "elevated", acknowledgedBy: nil, open: true, resolved: false,
      deliveries: [AlertMessage.Delivery(sink: "gate", sequence: 0, status: "delivered", attempts: 1, lastError: nil)])
    let snapshot = DashboardSnapshot(
      time: 1000.125, site: "hq", speed: 1, tokenConfigured: false, entrances: [], openAlerts: 1,
      openAlertsCapped: false, alerts: [alert])
    #expect(
      WireJSON.string(snapshot)
        == #"{"alerts":[{"acknowledged_at":null,"acknowledged_by":null,"deliveries":["#
        + #"{"attempts":1,"last_error":null,"sequence":0,"sink":"gate","status":"delivered"}],"device":null,"#
        + #""entrance":"north","id":4,"kind":"elevated","open":true,"raised_at":"1970-01-01T00:16:40.000Z","#
        + #""raised_at_s":1000,"resolved":false,"resolved_at":null,"summary":"elevated"}],"entrances":[],"#
        + #""open_alerts":1,"open_alerts_capped":false,"site":"hq","speed":1,"time":1000.125,"token_configured":false}"#
    )
    try roundTrips(snapshot)
    let failed = DashboardSnapshot(
      time: 1, site: "hq", speed: 10, tokenConfigured: true, entrances: [], alerts: [], alertsError: "reading alerts: x"
    )
    #expect(
      WireJSON.string(failed)
        == #"{"alerts":[],"alerts_error":"reading alerts: x","entrances":[],"site":"hq","speed":10,"time":1,"token_configured":true}"#
    )
    let history = HistoryMessage(
      reset: true, span: 3600, last: 1,
      points: [
        ScreeningHistory.Point(
          sequence: 1, entrance: "north", time: 5, bodyC: 36.9, screeningClass: "normal", thresholdC: 37.3,
          baselineC: nil)
      ])
    #expect(
      WireJSON.string(history)
        == #"{"last":1,"points":[{"body_c":36.9,"class":"normal","entrance":"north","seq":1,"threshold_c":37.3,"time":5}],"reset":true,"span":3600}"#
    )
    try roundTrips(history)
  }
}
