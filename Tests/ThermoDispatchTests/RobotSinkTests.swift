import Foundation
import Testing

@testable import ThermoDispatch
@testable import ThermoStore

@Suite struct RobotSigningTests {
  @Test func dingTalksSignMatchesTheVendorsRecipe() {
    #expect(
      DingTalkRobot.sign(timestampMilliseconds: 1_700_000_000_000, secret: "SEC0123456789abcdef")
        == "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D")
  }

  @Test func feishusSignMatchesTheVendorsRecipe() {
    #expect(
      FeishuRobot.sign(timestampSeconds: 1_700_000_000, secret: "feishu-secret")
        == "OrBzY1Y01Gq+HgJsl+7OfWcMVwc7YocohQm5iiZwjhU=")
  }

  @Test func onlyHTTPSOrALoopbackAddressIsARobotAddress() throws {
    #expect(
      try RobotAddress(parsing: "https://oapi.dingtalk.com/robot/send?access_token=abc").host == "oapi.dingtalk.com")
    #expect(try RobotAddress(parsing: "http://127.0.0.1:8080/robot/send").host == "127.0.0.1")
    #expect(try RobotAddress(parsing: "http://[::1]:8080/hook").host.contains("::1"))
    #expect(throws: RobotAddress.Problem.plainHTTP(host: "oapi.dingtalk.com")) {
      try RobotAddress(parsing: "http://oapi.dingtalk.com/robot/send?access_token=abc")
    }
    #expect(throws: RobotAddress.Problem.notAnAddress) { try RobotAddress(parsing: "oapi.dingtalk.com/robot") }
  }

  @Test func theLineNamesTheAlertItsTimeAndARepeat() {
    let text = AlertText(timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .current)
    #expect(text.line(for: channelJob(1, sink: "x")) == "fever 38.4 °C at \"north-3\" · 2025-11-29 15:06:40 GMT+8")
    #expect(text.line(for: channelJob(1, sink: "x", sequence: 3)).hasSuffix(" · reminder 3"))
  }
}

/// Each robot against a local stand-in for its vendor that checks the signature itself.
@Suite(.timeLimit(.minutes(1))) struct RobotSinkTests {
  static let token = "tok3n-9f8e7d6c5b4a39281706"

  func sink<Robot: ChatRobot>(_ robot: Robot) -> RobotSink<Robot> {
    RobotSink(name: "robot", robot: robot, timeout: .seconds(5))
  }

  func dingtalk(_ vendor: RobotVendor, secret: String? = nil, atMobiles: [String] = ["13800000000"]) throws
    -> RobotSink<DingTalkRobot>
  {
    sink(
      DingTalkRobot(
        address: try RobotAddress(parsing: vendor.url), secret: secret ?? vendor.secret, atMobiles: atMobiles))
  }

  func wecom(_ vendor: RobotVendor, url: String? = nil) throws -> RobotSink<WeComRobot> {
    sink(WeComRobot(address: try RobotAddress(parsing: url ?? vendor.url), atMobiles: ["13800000000"]))
  }

  func feishu(_ vendor: RobotVendor, secret: String? = nil) throws -> RobotSink<FeishuRobot> {
    sink(FeishuRobot(address: try RobotAddress(parsing: vendor.url), secret: secret ?? vendor.secret))
  }

  func json(_ request: RobotVendor.Request?) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data((request?.json ?? "").utf8)) as? [String: Any])
  }

  func expectNoToken(_ outcome: DeliveryOutcome) {
    switch outcome {
    case .delivered: break
    case .retry(let text), .failed(let text):
      #expect(!text.contains(Self.token), "the robot's token leaked into \(text)")
      #expect(!text.contains("SEC"), "the signing secret leaked into \(text)")
    }
  }

  func isRetry(_ outcome: DeliveryOutcome) -> Bool {
    if case .retry = outcome { return true }
    return false
  }

  func isFailed(_ outcome: DeliveryOutcome, containing text: String) -> Bool {
    if case .failed(let reason) = outcome { return reason.contains(text) }
    return false
  }

  @Test func dingTalkTakesASignedTextThatMentionsTheDutyMobile() async throws {
    let vendor = try RobotVendor(.dingtalk, token: Self.token, secret: "SEC0123456789abcdef")
    defer { vendor.shutdown() }
    #expect(try await dingtalk(vendor).deliver(channelJob(4, sink: "robot", sequence: 1)) == .delivered)
    let body = try json(vendor.requests.first)
    #expect(body["msgtype"] as? String == "text")
    let content = try #require((body["text"] as? [String: Any])?["content"] as? String)
    #expect(content.hasPrefix("fever 38.4 °C at \"north-3\" · "))
    #expect(content.contains(" · reminder 1"))
    #expect(content.hasSuffix(" @13800000000"))
    let at = try #require(body["at"] as? [String: Any])
    #expect(at["atMobiles"] as? [String] == ["13800000000"])
    #expect(at["isAtAll"] as? Bool == false)
  }

  @Test func dingTalkAnswersAreReadByTheirErrcode() async throws {
    let vendor = try RobotVendor(
      .dingtalk, token: Self.token, secret: "SEC0123456789abcdef",
      script: [
        .code(130101, "send too fast, exceed 20 times per minute"), .code(-1, "系统繁忙"), .status(500),
        .code(400102, "robot 已停用"), .code(300005, "token is not exist"), .status(404),
      ])
    defer { vendor.shutdown() }
    let sink = try dingtalk(vendor)
    var outcomes: [DeliveryOutcome] = []
    for id in 1...6 { outcomes.append(await sink.deliver(channelJob(Int64(id), sink: "robot"))) }
    #expect(outcomes[0] == .retry("DingTalk: HTTP 200, errcode 130101: send too fast, exceed 20 times per minute"))
    #expect(isRetry(outcomes[1]))
    #expect(outcomes[2] == .retry("DingTalk: HTTP 500"))
    #expect(outcomes[3] == .failed("DingTalk: HTTP 200, errcode 400102: robot 已停用"))
    #expect(isFailed(outcomes[4], containing: "300005"))
    #expect(isFailed(outcomes[5], containing: "HTTP 404"))
    outcomes.forEach(expectNoToken)
  }

  @Test func dingTalkRefusesAWrongSignatureForGood() async throws {
    let vendor = try RobotVendor(.dingtalk, token: Self.token, secret: "SEC0123456789abcdef")
    defer { vendor.shutdown() }
    let outcome = try await dingtalk(vendor, secret: "SECnot-the-robots-secret").deliver(channelJob(1, sink: "robot"))
    #expect(outcome == .failed("DingTalk: HTTP 200, errcode 310000: sign not match"))
  }

  @Test func weComTakesATextThatMentionsTheDutyMobile() async throws {
    let vendor = try RobotVendor(.wecom, token: Self.token)
    defer { vendor.shutdown() }
    #expect(try await wecom(vendor).deliver(channelJob(4, sink: "robot")) == .delivered)
    let body = try json(vendor.requests.first)
    #expect(body["msgtype"] as? String == "text")
    let text = try #require(body["text"] as? [String: Any])
    #expect((text["content"] as? String)?.hasPrefix("fever 38.4 °C at \"north-3\" · ") == true)
    #expect(text["mentioned_mobile_list"] as? [String] == ["13800000000"])
    #expect(vendor.requests.first?.uri == "/cgi-bin/webhook/send?key=\(Self.token)")
  }

  @Test func weComAnswersAreReadByTheirErrcode() async throws {
    let vendor = try RobotVendor(
      .wecom, token: Self.token,
      script: [.code(45009, "api freq out of limit"), .status(503), .code(40058, "invalid parameter"), .status(429)])
    defer { vendor.shutdown() }
    let sink = try wecom(vendor)
    var outcomes: [DeliveryOutcome] = []
    for id in 1...4 { outcomes.append(await sink.deliver(channelJob(Int64(id), sink: "robot"))) }
    #expect(outcomes[0] == .retry("WeCom: HTTP 200, errcode 45009: api freq out of limit"))
    #expect(outcomes[1] == .retry("WeCom: HTTP 503"))
    #expect(outcomes[2] == .failed("WeCom: HTTP 200, errcode 40058: invalid parameter"))
    #expect(outcomes[3] == .retry("WeCom: HTTP 429"))
    // A key the vendor does not know.
    let stranger = try wecom(vendor, url: "http://127.0.0.1:\(vendor.port)/cgi-bin/webhook/send?key=\(Self.token)x")
    let refused = await stranger.deliver(channelJob(5, sink: "robot"))
    #expect(isFailed(refused, containing: "errcode 93000: invalid webhook url"))
    (outcomes + [refused]).forEach(expectNoToken)
  }

  @Test func feishuTakesASignedText() async throws {
    let vendor = try RobotVendor(.feishu, token: Self.token, secret: "feishu-secret", script: [.oldFeishuSuccess])
    defer { vendor.shutdown() }
    let sink = try feishu(vendor)
    #expect(await sink.deliver(channelJob(4, sink: "robot")) == .delivered)
    #expect(await sink.deliver(channelJob(5, sink: "robot")) == .delivered)
    let body = try json(vendor.requests.first)
    #expect(body["msg_type"] as? String == "text")
    #expect(((body["content"] as? [String: Any])?["text"] as? String)?.hasPrefix("fever 38.4 °C") == true)
    #expect(body["timestamp"] is String)
  }

  @Test func feishuAnswersAreReadByTheirCode() async throws {
    let vendor = try RobotVendor(
      .feishu, token: Self.token, secret: "feishu-secret",
      script: [
        .code(9499, "too many request", status: 400), .code(11232, "frequency limited"), .status(502),
        .code(9499, "Bad Request", status: 400), .code(19024, "Key Words Not Found"),
      ])
    defer { vendor.shutdown() }
    let sink = try feishu(vendor)
    var outcomes: [DeliveryOutcome] = []
    for id in 1...5 { outcomes.append(await sink.deliver(channelJob(Int64(id), sink: "robot"))) }
    #expect(outcomes[0] == .retry("Feishu: HTTP 400, code 9499: too many request"))
    #expect(isRetry(outcomes[1]))
    #expect(outcomes[2] == .retry("Feishu: HTTP 502"))
    #expect(outcomes[3] == .failed("Feishu: HTTP 400, code 9499: Bad Request"))
    #expect(isFailed(outcomes[4], containing: "code 19024"))
    let forged = try await feishu(vendor, secret: "another-secret").deliver(channelJob(6, sink: "robot"))
    #expect(isFailed(forged, containing: "code 19021"))
    (outcomes + [forged]).forEach(expectNoToken)
  }

  @Test func theDispatcherRetriesABusyRobotUntilItTakesTheAlert() async throws {
    let vendor = try RobotVendor(
      .dingtalk, token: Self.token, secret: "SEC0123456789abcdef",
      script: [.status(500), .code(130101, "send too fast, exceed 20 times per minute"), .code(-1, "系统繁忙")])
    defer { vendor.shutdown() }
    let dispatcher = Dispatcher(
      store: try AlertStore(path: temporaryDatabase()),
      settings: .init(
        routing: Routing(routes: [Route(sinks: ["robot"])]),
        retry: RetryPolicy(initialDelay: 0.05, maximumDelay: 0.2, jitter: 0.2)),
      sinks: [try dingtalk(vendor)])
    let running = Task { await dispatcher.run() }
    defer { running.cancel() }
    try await dispatcher.raise(
      Alert(kind: .fever, entrance: "north-3", raisedAt: Date().timeIntervalSince1970, summary: "fever 38.4 °C"))
    let delivered = await eventually(
      { (try? dispatcher.store.alerts())?.first?.deliveries.first?.status == "delivered" }, within: 20)
    #expect(delivered)
    #expect(vendor.requests.count == 4)
  }

  @Test func anUnreachableRobotIsRetriedAndNamedByItsHostOnly() async throws {
    let vendor = try RobotVendor(.feishu, token: Self.token, secret: "feishu-secret")
    let sink = try feishu(vendor)
    vendor.shutdown()
    let outcome = await sink.deliver(channelJob(1, sink: "robot"))
    guard case .retry(let reason) = outcome else {
      Issue.record("expected .retry, got \(outcome)")
      return
    }
    #expect(reason.hasPrefix("POST 127.0.0.1: "), "\(reason)")
    expectNoToken(outcome)
  }
}
