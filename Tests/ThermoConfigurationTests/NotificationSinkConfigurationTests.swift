import Foundation
import Testing
import ThermoConfiguration

/// The chat robots and e-mail as `sinks` entries.
@Suite struct NotificationSinkConfigurationTests {
  static let text = """
    sinks:
      - name: duty-mail
        type: email
        smtp_host: smtp.example.org
        username: gateway@example.org
        password_env: SMTP_PASSWORD
        from: gateway@example.org
        to: [duty@example.org, office@example.org]
      - {name: ding, type: dingtalk, url_env: DINGTALK_URL, secret_env: DINGTALK_SECRET, at_mobiles: ["13800000000"]}
      - {name: wecom, type: wecom, url_env: WECOM_URL, at_mobiles: ["13900000000"], timeout_s: 3}
      - {name: lark, type: feishu, url_env: FEISHU_URL, secret_env: FEISHU_SECRET}
    """
  static let environment = [
    "SMTP_PASSWORD": "smtp-password", "DINGTALK_URL": "https://oapi.dingtalk.com/robot/send?access_token=t0ken1234",
    "DINGTALK_SECRET": "SECabcdef", "WECOM_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k3y12345",
    "FEISHU_URL": "https://open.feishu.cn/open-apis/bot/v2/hook/h00k1234", "FEISHU_SECRET": "feishu-secret",
  ]

  func problems(_ text: String, environment: [String: String] = environment) -> [String] {
    GatewayConfigurationTests().problems(text, environment: environment)
  }

  @Test func eachChannelParsesWithItsDefaults() throws {
    let sinks = try GatewayConfiguration.parse(Self.text, file: "gate.yaml", environment: Self.environment).sinks
    #expect(sinks.map(\.name) == ["duty-mail", "ding", "wecom", "lark"])
    guard case .email(let email) = sinks[0].kind else {
      Issue.record("not an e-mail sink: \(sinks[0].kind)")
      return
    }
    #expect(email.host == "smtp.example.org")
    #expect(email.port == 587)
    #expect(email.startTLS)
    #expect(email.password?.value == "smtp-password")
    #expect(email.to == ["duty@example.org", "office@example.org"])
    #expect(
      sinks[1].kind
        == .dingtalk(
          url: Secret(Self.environment["DINGTALK_URL"] ?? ""), secret: Secret("SECabcdef"),
          atMobiles: ["13800000000"], timeoutSeconds: 5))
    #expect(
      sinks[2].kind
        == .wecom(url: Secret(Self.environment["WECOM_URL"] ?? ""), atMobiles: ["13900000000"], timeoutSeconds: 3))
    #expect(
      sinks[3].kind
        == .feishu(
          url: Secret(Self.environment["FEISHU_URL"] ?? ""), secret: Secret("feishu-secret"), timeoutSeconds: 5))
    // The address is a credential: nothing printed from the configuration shows it.
    #expect(!"\(sinks)".contains("t0ken1234"))
  }

  @Test func aMissingAddressVariableNamesTheSinkAndTheVariable() {
    var environment = Self.environment
    environment["WECOM_URL"] = nil
    environment["DINGTALK_URL"] = ""
    let found = problems(Self.text, environment: environment)
    #expect(found.count == 2)
    #expect(
      found.contains {
        $0.hasPrefix("gate.yaml:9:") && $0.contains("sinks[1].url_env: environment variable DINGTALK_URL is not set")
      })
    #expect(
      found.contains {
        $0.hasPrefix("gate.yaml:10:") && $0.contains("sinks[2].url_env: environment variable WECOM_URL is not set")
      })
  }

  @Test func plainHTTPIsRefusedUnlessTheRobotIsOnThisMachine() {
    var environment = Self.environment
    environment["DINGTALK_URL"] = "http://oapi.dingtalk.com/robot/send?access_token=t0ken1234"
    environment["FEISHU_URL"] = "http://127.0.0.1:9000/open-apis/bot/v2/hook/h00k1234"
    let found = problems(Self.text, environment: environment)
    #expect(found.count == 1)
    #expect(found.first?.hasPrefix("gate.yaml:9:") == true)
    #expect(found.first?.contains("sinks[1].url_env: the address in DINGTALK_URL must be https://") == true)
    #expect(found.first?.contains("oapi.dingtalk.com") == true)
    #expect(found.first?.contains("t0ken1234") == false)
  }

  @Test func keysOfAnotherTypeAndMissingFieldsAreNamed() {
    let found = problems(
      """
      sinks:
        - {name: w, type: wecom, url_env: WECOM_URL, secret_env: DINGTALK_SECRET}
        - {name: m, type: email, smtp_host: smtp.example.org, to: [not-an-address]}
        - {name: f, type: feishu, url_env: FEISHU_URL}
      """)
    #expect(found.contains("gate.yaml:2:60: sinks[0]: 'secret_env' does not apply to a wecom sink"))
    #expect(found.contains { $0.hasPrefix("gate.yaml:3:") && $0.contains("sinks[1] (e-mail) needs 'from'") })
    #expect(found.contains { $0.contains("sinks[1].to[0] must be an e-mail address") })
    #expect(found.contains { $0.hasPrefix("gate.yaml:4:") && $0.contains("sinks[2] needs 'secret_env'") })
  }

  @Test func aPasswordIsNeverSentInClearToAnotherMachine() {
    let found = problems(
      """
      sinks:
        - {name: m, type: email, smtp_host: smtp.example.org, starttls: false, username: gw, password_env: SMTP_PASSWORD,
           from: gw@example.org, to: [duty@example.org]}
        - {name: local, type: email, smtp_host: 127.0.0.1, smtp_port: 25, starttls: false, username: gw,
           password_env: SMTP_PASSWORD, from: gw@example.org, to: [duty@example.org]}
      """)
    #expect(found.count == 1)
    #expect(
      found.first?.contains("sinks[0].starttls: false would send the password to smtp.example.org in clear") == true)
  }

  @Test func anUnknownTypeListsTheKnownOnes() {
    let found = problems("sinks:\n  - {name: s, type: sms}\n")
    #expect(
      found == [
        "gate.yaml:2:21: sinks[0].type must be log, gate, webhook, mqtt, email, dingtalk, wecom or feishu, got 'sms'"
      ])
  }
}
