import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// DingTalk's, WeCom's or Feishu's robot endpoint on 127.0.0.1, for tests. It checks what the
/// vendor checks, on its own (the token or key, the signature recomputed from the raw query or
/// body, the one-hour window, the JSON shape) and answers a bad request with the vendor's own
/// code; a good one gets the next scripted answer (a vendor error, a bare HTTP status), then
/// success.
final class RobotVendor: Sendable {
  enum Kind: Sendable {
    case dingtalk, wecom, feishu
  }

  enum Answer: Sendable {
    /// The vendor's error code and text, with this HTTP status.
    case code(Int, String, status: Int = 200)
    /// Just a status, no body (a proxy or the vendor's front end failing).
    case status(Int)
    /// Success in Feishu's older form (`StatusCode`).
    case oldFeishuSuccess
  }

  struct Request: Sendable {
    var uri: String
    var contentType: String?
    var json: String
  }

  let kind: Kind
  let token: String
  let secret: String
  let port: Int
  private let channel: any Channel
  private let group: MultiThreadedEventLoopGroup
  private let state: Shared

  final class Shared: Sendable {
    let script: Mutex<[Answer]>
    let requests = Mutex<[Request]>([])
    init(script: [Answer]) { self.script = Mutex(script) }
  }

  init(_ kind: Kind, token: String, secret: String = "", script: [Answer] = []) throws {
    let state = Shared(script: script)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let vendor = Check(kind: kind, token: token, secret: secret)
    let channel = try ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(Handler(state: state, check: vendor))
        }
      }
      .bind(host: "127.0.0.1", port: 0).wait()
    self.kind = kind
    self.token = token
    self.secret = secret
    self.port = channel.localAddress?.port ?? 0
    self.channel = channel
    self.group = group
    self.state = state
  }

  /// The address as the vendor hands it out, on this server.
  var url: String {
    switch kind {
    case .dingtalk: "http://127.0.0.1:\(port)/robot/send?access_token=\(token)"
    case .wecom: "http://127.0.0.1:\(port)/cgi-bin/webhook/send?key=\(token)"
    case .feishu: "http://127.0.0.1:\(port)/open-apis/bot/v2/hook/\(token)"
    }
  }

  var requests: [Request] { state.requests.withLock { $0 } }

  func shutdown() {
    try? channel.close().wait()
    try? group.syncShutdownGracefully()
  }

  /// The vendor's own checks; nil when the request passes.
  struct Check: Sendable {
    var kind: Kind
    var token: String
    var secret: String

    func refusal(uri: String, contentType: String?, body: [UInt8]) -> (code: Int, message: String)? {
      let components = URLComponents(string: uri)
      // As a servlet reads a query: '+' is a space, then percent-decoding.
      func parameter(_ name: String) -> String? {
        for pair in (components?.percentEncodedQuery ?? "").split(separator: "&") {
          let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
          if parts.count == 2, parts[0] == name {
            return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
          }
        }
        return nil
      }
      let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
      let now = Date().timeIntervalSince1970
      switch kind {
      case .dingtalk:
        guard parameter("access_token") == token else { return (300001, "token is not exist") }
        guard contentType?.lowercased().hasPrefix("application/json") == true else {
          return (43004, "无效的HTTP HEADER Content-Type")
        }
        guard let timestamp = parameter("timestamp").flatMap(Int64.init), let sign = parameter("sign") else {
          return (310000, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]")
        }
        guard abs(Double(timestamp) / 1000 - now) < 3600 else { return (310000, "invalid timestamp") }
        let expected = Self.base64HMAC(key: secret, message: "\(timestamp)\n\(secret)")
        guard sign == expected else { return (310000, "sign not match") }
        guard let object, object["msgtype"] as? String == "text",
          let content = (object["text"] as? [String: Any])?["content"] as? String, !content.isEmpty,
          let at = object["at"] as? [String: Any], at["atMobiles"] is [String], at["isAtAll"] as? Bool == false
        else { return (40035, "缺少参数 json") }
      case .wecom:
        guard components?.path == "/cgi-bin/webhook/send",
          components?.queryItems?.first(where: { $0.name == "key" })?.value == token
        else {
          return (
            93000,
            "invalid webhook url, hint: [1700000000_1_abc], more info at https://open.work.weixin.qq.com/devtool/query?e=93000"
          )
        }
        guard let object, object["msgtype"] as? String == "text", let text = object["text"] as? [String: Any],
          let content = text["content"] as? String, !content.isEmpty, text["mentioned_mobile_list"] is [String]
        else { return (40008, "invalid message type") }
        guard content.utf8.count <= 2048 else { return (40058, "text.content exceed max length 2048") }
      case .feishu:
        guard components?.path == "/open-apis/bot/v2/hook/\(token)" else {
          return (19001, "param invalid: incoming webhook access token invalid")
        }
        let timestamp = (object?["timestamp"] as? String).flatMap(Int64.init)
        guard let object, let timestamp, let sign = object["sign"] as? String, abs(Double(timestamp) - now) < 3600,
          sign == Self.base64HMAC(key: "\(timestamp)\n\(secret)", message: "")
        else { return (19021, "sign match fail or timestamp is not within one hour from current time") }
        guard object["msg_type"] as? String == "text",
          let text = (object["content"] as? [String: Any])?["text"] as? String, !text.isEmpty
        else { return (9499, "Bad Request") }
      }
      return nil
    }

    static func base64HMAC(key: String, message: String) -> String {
      Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8))))
        .base64EncodedString()
    }

    func answer(code: Int, message: String) -> String {
      let field = kind == .feishu ? ("code", "msg") : ("errcode", "errmsg")
      var object: [String: Any] = [field.0: code, field.1: message]
      if kind == .feishu { object["data"] = [String: Any]() }
      return String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
    }
  }

  final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let state: Shared
    let check: Check
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(state: Shared, check: Check) {
      self.state = state
      self.check = check
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let head):
        self.head = head
        body = []
      case .body(var buffer):
        body += buffer.readBytes(length: buffer.readableBytes) ?? []
      case .end:
        let uri = head?.uri ?? ""
        let contentType = head?.headers.first(name: "Content-Type")
        state.requests.withLock {
          $0.append(Request(uri: uri, contentType: contentType, json: String(decoding: body, as: UTF8.self)))
        }
        if head?.method != .POST {
          respond(context: context, status: 405, body: "")
        } else if let refusal = check.refusal(uri: uri, contentType: contentType, body: body) {
          respond(context: context, status: 200, body: check.answer(code: refusal.code, message: refusal.message))
        } else {
          switch state.script.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
          case nil:
            respond(
              context: context, status: 200,
              body: check.answer(code: 0, message: check.kind == .feishu ? "success" : "ok"))
          case .code(let code, let message, let status):
            respond(context: context, status: status, body: check.answer(code: code, message: message))
          case .status(let status): respond(context: context, status: status, body: "")
          case .oldFeishuSuccess:
            respond(context: context, status: 200, body: #"{"Extra":null,"StatusCode":0,"StatusMessage":"success"}"#)
          }
        }
      }
    }

    func respond(context: ChannelHandlerContext, status: Int, body: String) {
      var headers = HTTPHeaders()
      headers.add(name: "Content-Type", value: "application/json")
      headers.add(name: "Content-Length", value: "\(body.utf8.count)")
      context.write(
        wrapOutboundOut(
          .head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers))),
        promise: nil)
      context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
  }
}
