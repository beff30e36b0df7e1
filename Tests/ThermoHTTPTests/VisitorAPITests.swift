import Foundation
import HummingbirdTesting
import Testing

/// The visitor pass endpoints: issuing one with the token, listing them (personal data, so the
/// token too), without their codes when codes are kept hashed.
@Suite struct VisitorAPITests {
  let gateway: InProcessGateway
  let token = InProcessGateway.token

  init() throws {
    gateway = try InProcessGateway()
  }

  @Test func aVisitorPassIsIssuedWithATenDigitCodeAndAMaskedPhone() async throws {
    let app = try await gateway.application()
    let token = token
    try await app.test(.router) { client in
      let pass = #"{"name": "Li Lei", "host": "Zhang Wei", "hours": 4, "phone": "138 1234 5678"}"#
      #expect(try await post(client, "/api/visitors", pass, token: nil).status == 401)
      let badHours = try await post(
        client, "/api/visitors", #"{"name": "Li Lei", "host": "Zhang Wei", "hours": "four"}"#, token: token)
      #expect(badHours.status == 400 && badHours.problem.contains("'hours'"))
      let tooLong = try await post(
        client, "/api/visitors", #"{"name": "Li Lei", "host": "Zhang Wei", "hours": 200}"#, token: token)
      #expect(tooLong.status == 400)
      let issued = try await post(client, "/api/visitors", pass, token: token)
      #expect(issued.status == 201)
      let answer = issued.json as? [String: Any] ?? [:]
      let code = answer["code"] as? String ?? ""
      #expect(code.count == 10 && code.allSatisfy(\.isNumber), "\(code)")
      #expect(answer["phone_masked"] as? String == "138****5678")
      #expect(answer["name"] as? String == "Li Lei" && answer["host"] as? String == "Zhang Wei")
      #expect(answer["valid_until"] is String)

      #expect(try await get(client, "/api/visitors").status == 401, "personal data")
      let listed = try await get(client, "/api/visitors", token: token).json as? [[String: Any]] ?? []
      #expect(listed.count == 1 && listed.first?["code"] as? String == code)
      #expect(listed.first?["phone_masked"] as? String == "138****5678")
    }
  }

  @Test func hashedPassCodesAreNotListed() async throws {
    let app = try await gateway.application(personIDs: .hashed(key: Array("site-key-0123456789".utf8)))
    let token = token
    try await app.test(.router) { client in
      let issued = try await post(
        client, "/api/visitors", #"{"name": "Li Lei", "host": "Zhang Wei", "hours": 1}"#, token: token)
      let code = (issued.json as? [String: Any])?["code"] as? String ?? ""
      #expect(issued.status == 201 && code.count == 10)
      let listed = try await get(client, "/api/visitors", token: token).json as? [[String: Any]] ?? []
      #expect(listed.count == 1 && listed.first?["code"] == nil && listed.first?["name"] == nil)
      #expect(listed.first?["host"] as? String == "Zhang Wei")
    }
  }
}
