import Foundation

/// DingTalk's custom group robot (自定义机器人) with the "sign" security setting: every request
/// carries `timestamp` (Unix milliseconds) and `sign` in its query, signed afresh because the
/// server accepts a timestamp within an hour of its clock only.
public struct DingTalkRobot: ChatRobot {
  public let address: RobotAddress
  private let secret: String
  public let atMobiles: [String]

  public init(address: RobotAddress, secret: String, atMobiles: [String] = []) {
    self.address = address
    self.secret = secret
    self.atMobiles = atMobiles
  }

  /// `urlencode(base64(HMAC-SHA256(key: secret, message: "<ms>\n<secret>")))`, encoded once:
  /// an unencoded `+` would reach the server as a space.
  public static func sign(timestampMilliseconds: Int64, secret: String) -> String {
    let signature = RobotJSON.signature(key: secret, message: "\(timestampMilliseconds)\n\(secret)")
    let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    return signature.addingPercentEncoding(withAllowedCharacters: unreserved) ?? signature
  }

  struct Body: Encodable {
    struct Text: Encodable { var content: String }
    struct At: Encodable {
      var atMobiles: [String]
      var isAtAll: Bool
    }
    var msgtype = "text"
    var text: Text
    var at: At
  }

  public func request(text: String, now: Double) -> (url: String, body: [UInt8]) {
    let timestamp = Int64((now * 1000).rounded())
    let separator = address.url.contains("?") ? "&" : "?"
    let url =
      address.url + separator + "timestamp=\(timestamp)&sign="
      + Self.sign(timestampMilliseconds: timestamp, secret: secret)
    // A mobile in atMobiles is highlighted only where the text names it too.
    let content = ([text] + atMobiles.map { "@\($0)" }).joined(separator: " ")
    let body = Body(text: .init(content: content), at: .init(atMobiles: atMobiles, isAtAll: false))
    return (url, RobotJSON.bytes(body))
  }

  /// -1 is "system busy", 130101 and 410100 "too fast" (20 messages a minute per robot).
  public var reading: RobotAnswer.Reading {
    RobotAnswer.Reading(vendor: "DingTalk", codeFields: ["errcode"], messageFields: ["errmsg"]) { code, _ in
      [-1, 130_101, 410_100].contains(code)
    }
  }
}
