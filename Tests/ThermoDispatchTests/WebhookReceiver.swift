import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook endpoint on 127.0.0.1 for tests: answers each request as its script says (a
/// status, a stall longer than the client's timeout, a dropped connection), then 200, and
/// checks the signature of every request it sees.
final class WebhookReceiver: Sendable {
  enum Answer: Sendable {
    case status(Int)
    case stall(seconds: Double)
    case hangUp
  }

  struct Request: Sendable {
    var idempotencyKey: String?
    var body: String
    var signatureValid: Bool
  }

  let port: Int
  private let channel: any Channel
  private let group: MultiThreadedEventLoopGroup
  private let state: Shared

  final class Shared: Sendable {
    let script: Mutex<[Answer]>
    let requests = Mutex<[Request]>([])
    let secret: [UInt8]
    init(script: [Answer], secret: [UInt8]) {
      self.script = Mutex(script)
      self.secret = secret
    }
  }

  init(script: [Answer], secret: [UInt8]) throws {
    let state = Shared(script: script, secret: secret)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let channel = try ServerBootstrap(group: group)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.pipeline.configureHTTPServerPipeline().flatMap {
          channel.pipeline.addHandler(Handler(state: state))
        }
      }
      .bind(host: "127.0.0.1", port: 0).wait()
    self.port = channel.localAddress?.port ?? 0
    self.channel = channel
    self.group = group
    self.state = state
  }

  var url: String { "http://127.0.0.1:\(port)/alerts" }
  var requests: [Request] { state.requests.withLock { $0 } }

  func shutdown() {
    try? channel.close().wait()
    try? group.syncShutdownGracefully()
  }

  final class Handler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let state: Shared
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(state: Shared) { self.state = state }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
      switch unwrapInboundIn(data) {
      case .head(let head):
        self.head = head
        body = []
      case .body(var buffer):
        body += buffer.readBytes(length: buffer.readableBytes) ?? []
      case .end:
        let signature = head?.headers.first(name: "X-Thermogate-Signature")
        let expected =
          "sha256="
          + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: state.secret))
          .map { String(format: "%02x", $0) }.joined()
        state.requests.withLock {
          $0.append(
            Request(
              idempotencyKey: head?.headers.first(name: "Idempotency-Key"),
              body: String(decoding: body, as: UTF8.self), signatureValid: signature == expected))
        }
        let answer = state.script.withLock { $0.isEmpty ? Answer.status(200) : $0.removeFirst() }
        switch answer {
        case .status(let code):
          respond(context: context, status: HTTPResponseStatus(statusCode: code))
        case .stall(let seconds):
          let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
          context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
            let (handler, context) = loopBound.value
            handler.respond(context: context, status: .ok)
          }
        case .hangUp:
          context.close(promise: nil)
        }
      }
    }

    func respond(context: ChannelHandlerContext, status: HTTPResponseStatus) {
      var headers = HTTPHeaders()
      headers.add(name: "Content-Length", value: "0")
      context.write(
        wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
      context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
  }
}
