import Foundation
import HummingbirdTesting
import Testing
import ThermoDevices
import ThermoSimulation

@testable import ThermoDaemon

/// The emergency release endpoints, in process: the token, the body's fields, the entrances'
/// status and the relays (simulated boards).
@Suite struct EmergencyAPITests {
  let gateway: InProcessGateway
  let token = InProcessGateway.token
  var status: GatewayStatus { gateway.status }
  var boards: SimulatedRelays { gateway.boards }
  var north: DeviceAddress { gateway.north }
  var south: DeviceAddress { gateway.south }

  init() throws {
    gateway = try InProcessGateway()
  }

  @Test func releasingEveryEntranceNeedsTheTokenShowsOnEveryEntranceAndClears() async throws {
    let app = try await gateway.application()
    let token = token
    try await app.test(.router) { client in
      let release = #"{"by": "Guard Wu", "reason": "fire alarm"}"#
      #expect(try await post(client, "/api/emergency", release, token: nil).status == 401)
      #expect(try await post(client, "/api/emergency", release, token: "wrong-token-000000000").status == 401)
      let noReason = try await post(client, "/api/emergency", #"{"by": "Guard Wu"}"#, token: token)
      #expect(noReason.status == 400 && noReason.problem.contains("'reason'"), "\(noReason.problem)")
      let notJSON = try await post(client, "/api/emergency", "fire!", token: token)
      #expect(notJSON.status == 400)
      let unknown = try await post(
        client, "/api/emergency", #"{"entrance": "west", "by": "Wu", "reason": "drill"}"#, token: token)
      #expect(unknown.status == 404 && unknown.problem.contains("north, south"))
      #expect(boards.channelState(north) != true, "nothing released by a refused request")

      let started = try await post(client, "/api/emergency", release, token: token)
      #expect(started.status == 201)
      #expect((started.json as? [String: Any])?["all_entrances"] as? Bool == true)
      let entrances = try await get(client, "/api/entrances").json as? [[String: Any]] ?? []
      #expect(entrances.count == 2)
      for entrance in entrances {
        let emergency = entrance["emergency"] as? [String: Any]
        #expect(emergency?["by"] as? String == "Guard Wu" && emergency?["reason"] as? String == "fire alarm")
      }
      #expect(boards.channelState(north) == true && boards.channelState(south) == true, "release inputs held on")
      let active = try await get(client, "/api/emergency").json as? [[String: Any]] ?? []
      #expect(active.count == 1)

      let clear = #"{"by": "Guard Wu"}"#
      #expect(try await post(client, "/api/emergency/clear", clear, token: nil).status == 401)
      let noName = try await post(client, "/api/emergency/clear", "{}", token: token)
      #expect(noName.status == 400 && noName.problem.contains("'by'"))
      let cleared = try await post(client, "/api/emergency/clear", clear, token: token)
      #expect(cleared.status == 200 && (cleared.json as? [String: Any])?["cleared"] as? Int == 1)
      let after = try await get(client, "/api/entrances").json as? [[String: Any]] ?? []
      #expect(after.count == 2 && after.allSatisfy { $0["emergency"] == nil })
      #expect(boards.channelState(north) == false && boards.channelState(south) == false, "locked again")
      #expect((try await get(client, "/api/emergency").json as? [Any])?.isEmpty == true)
    }
  }

  @Test func oneEntranceIsReleasedAndClearedAlone() async throws {
    let app = try await gateway.application()
    let token = token
    try await app.test(.router) { client in
      let started = try await post(
        client, "/api/emergency", #"{"entrance": "south", "by": "Guard Wu", "reason": "smoke"}"#, token: token)
      #expect(started.status == 201)
      #expect(status.status(of: "south")?.emergency?.reason == "smoke")
      #expect(status.status(of: "north")?.emergency == nil)
      #expect(boards.channelState(south) == true && boards.channelState(north) != true)
      let cleared = try await post(
        client, "/api/emergency/clear", #"{"entrance": "south", "by": "Guard Wu"}"#, token: token)
      #expect(cleared.status == 200)
      #expect(status.status(of: "south")?.emergency == nil)
      #expect(boards.channelState(south) == false)
    }
  }
}
