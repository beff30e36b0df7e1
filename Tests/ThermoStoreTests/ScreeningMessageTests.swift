import Foundation
import Testing
import ThermoCore

@testable import ThermoStore

/// The screening in each of its forms: classify's line, the register export's row, the status.
@Suite struct ScreeningMessageTests {
  let decision = Decision(
    time: 0.2, screeningClass: .elevated, reason: .atOrAboveThreshold, person: "W-1", rawObjectC: 35.504,
    skinC: 36.1, ambientC: 22, bodyC: 37.6123, thresholdC: 37.3, thresholdSource: .fixed, baselineC: nil,
    guardBandC: 0.2, calibrationID: "uncalibrated", bodyModelVersion: "forehead-max-linear-v1",
    recheck: RecheckLink(id: 1, role: .opened, openedAt: 0.2, deadline: 600.2), sampleCount: 3)

  func roundTrips(_ message: ScreeningMessage) throws {
    #expect(try WireJSON.decode(ScreeningMessage.self, from: WireJSON.string(message)) == message)
  }

  @Test func classifysLineCarriesBothNamesOfEachValue() throws {
    var message = ScreeningMessage(
      decision: decision, entrance: "north", device: nil, person: decision.person, time: .text(decision.time))
    message.event = "screening"
    message.line = 2
    #expect(
      WireJSON.string(message)
        == #"{"ambient_c":22,"baseline_c":null,"body_c":37.61,"body_model":"forehead-max-linear-v1","#
        + #""body_model_version":"forehead-max-linear-v1","calibration_id":"uncalibrated","class":"elevated","#
        + #""device":null,"entrance":"north","event":"screening","guard_band_c":0.2,"line":2,"person":"W-1","#
        + #""raw_c":35.5,"raw_object_c":35.5,"reason":"at_or_above_threshold","#
        + #""recheck":{"deadline":"1970-01-01T00:10:00.200Z","id":1,"opened_at":"1970-01-01T00:00:00.200Z","role":"opened"},"#
        + #""recheck_id":1,"recheck_role":"opened","sample_count":3,"samples":3,"skin_c":36.1,"#
        + #""threshold_c":37.3,"threshold_source":"fixed","time":"1970-01-01T00:00:00.200Z"}"#)
    try roundTrips(message)
  }

  @Test func theRegisterRowHasTheExportsFields() throws {
    let store = try AlertStore(path: temporaryDatabase())
    try store.register([RegisterEntry(decision: decision, entrance: "north", device: "sim:1", policy: .omitted)])
    let entry = try #require(try store.screenings().first)
    let message = ScreeningMessage(entry: entry)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(WireJSON.string(message).utf8)) as? [String: Any])
    for field in [
      "id", "time", "entrance", "device", "class", "reason", "raw_object_c", "skin_c", "ambient_c", "body_c",
      "threshold_c", "threshold_source", "baseline_c", "guard_band_c", "calibration_id", "body_model_version",
      "recheck_id", "recheck_role", "person", "sample_count",
    ] {
      #expect(object.keys.contains(field), "\(field)")
    }
    #expect(object["id"] as? Int == 1)
    #expect(object["time"] as? String == "1970-01-01T00:00:00.200Z")
    #expect(object["person"] is NSNull)
    #expect(object["recheck_role"] as? String == "opened")
    #expect(object["body_c"] as? Double == 37.61)
    // The register keeps no window times: the re-check object has only its number and role.
    #expect((object["recheck"] as? [String: Any])?.keys.sorted() == ["id", "role"])
    try roundTrips(message)
  }

  @Test func theStatusFormHasItsTimeInSeconds() throws {
    let message = ScreeningMessage(
      decision: decision, entrance: "north", device: "sim:1", person: "h:00", time: .seconds(1_764_400_000.25))
    let text = WireJSON.string(message)
    #expect(text.contains(#""time":1764400000.25"#))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(object["event"] == nil && object["line"] == nil && object["id"] == nil)
    try roundTrips(message)
  }

  @Test func eitherNameOfAValueIsRead() throws {
    let classify = try WireJSON.decode(
      ScreeningMessage.self,
      from: #"{"entrance":"a","time":"1970-01-01T00:00:01.000Z","class":"normal","reason":"below_threshold","#
        + #""raw_c":35.5,"threshold_source":"fixed","calibration_id":"c","body_model":"m","samples":2,"recheck":null}"#)
    #expect(classify.rawObjectC == 35.5 && classify.bodyModelVersion == "m" && classify.sampleCount == 2)
    #expect(classify.time == .text(1))
  }

  @Test func numbersThatAreNotFiniteAreNull() {
    var broken = decision
    broken.bodyC = .nan
    let message = ScreeningMessage(decision: broken, entrance: "a", device: nil, person: nil, time: .seconds(1))
    #expect(message.bodyC == nil)
    #expect(WireJSON.string(message).contains(#""body_c":null"#))
  }
}
