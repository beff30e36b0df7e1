/// WeCom's (企业微信) group robot: no signing, the `key` in the address is the only secret.
public struct WeComRobot: ChatRobot {
  public let address: RobotAddress
  public let atMobiles: [String]

  public init(address: RobotAddress, atMobiles: [String] = []) {
    self.address = address
    self.atMobiles = atMobiles
  }

  struct Body: Encodable {
    struct Text: Encodable {
      var content: String
      var mentionedMobiles: [String]
      enum CodingKeys: String, CodingKey {
        case content
        case mentionedMobiles = "mentioned_mobile_list"
      }
    }
    var msgtype = "text"
    var text: Text
  }

  public func request(text: String, now: Double) -> (url: String, body: [UInt8]) {
    (address.url, RobotJSON.bytes(Body(text: .init(content: text, mentionedMobiles: atMobiles))))
  }

  /// 45009 is "api freq out of limit" (20 messages a minute per robot), -1 "system busy".
  public var reading: RobotAnswer.Reading {
    RobotAnswer.Reading(vendor: "WeCom", codeFields: ["errcode"], messageFields: ["errmsg"]) { code, _ in
      [-1, 45009].contains(code)
    }
  }
}
