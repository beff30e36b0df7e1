import Foundation

/// Feishu's (Lark) custom bot with signature checking: `timestamp` (Unix seconds) and `sign` in
/// the JSON body. DingTalk's recipe with key and message swapped.
public struct FeishuRobot: ChatRobot {
  public let address: RobotAddress
  private let secret: String

  public init(address: RobotAddress, secret: String) {
    self.address = address
    self.secret = secret
  }

  /// `base64(HMAC-SHA256(key: "<s>\n<secret>", message: empty))`, not URL-encoded (it travels
  /// in the JSON body).
  public static func sign(timestampSeconds: Int64, secret: String) -> String {
    RobotJSON.signature(key: "\(timestampSeconds)\n\(secret)", message: "")
  }

  struct Body: Encodable {
    struct Content: Encodable { var text: String }
    var timestamp: String
    var sign: String
    var messageType = "text"
    var content: Content
    enum CodingKeys: String, CodingKey {
      case timestamp, sign, content
      case messageType = "msg_type"
    }
  }

  public func request(text: String, now: Double) -> (url: String, body: [UInt8]) {
    let timestamp = Int64(now.rounded(.down))
    let body = Body(
      timestamp: String(timestamp), sign: Self.sign(timestampSeconds: timestamp, secret: secret),
      content: .init(text: text))
    return (address.url, RobotJSON.bytes(body))
  }

  /// 9499 means "too many requests" only when its text says so (otherwise "Bad Request"); 11232
  /// is the bot being throttled under load. `StatusCode` is the older form of `code`.
  public var reading: RobotAnswer.Reading {
    RobotAnswer.Reading(vendor: "Feishu", codeFields: ["code", "StatusCode"], messageFields: ["msg", "StatusMessage"]) {
      code, message in
      code == 11232 || (code == 9499 && message.lowercased().contains("too many request"))
    }
  }
}
