import NIOCore

/// One command (or none, for the greeting) and the promise of its reply.
struct SMTPRequest: Sendable {
  var command: ByteBuffer?
  var reply: EventLoopPromise<SMTPReply>
}

/// The client's side of the exchange: replies are matched to requests in order; a reply that
/// comes before it is asked for (the greeting) waits for its request. A request not answered
/// within `timeout` closes the connection; every request still waiting then fails.
final class SMTPConversation: ChannelDuplexHandler {
  typealias InboundIn = SMTPReply
  typealias OutboundIn = SMTPRequest
  typealias OutboundOut = ByteBuffer

  struct TimedOut: Error, CustomStringConvertible {
    var milliseconds: Int64
    var description: String { "no reply within \(milliseconds) ms" }
  }
  struct Closed: Error, CustomStringConvertible {
    var description: String { "the server closed the connection" }
  }

  private let timeout: TimeAmount
  private var waiting: [EventLoopPromise<SMTPReply>] = []
  private var unclaimed: [SMTPReply] = []
  private var timer: Scheduled<Void>?
  /// Why the conversation ended: a request that comes later fails with it (a TLS handshake that
  /// failed, not the "closed channel" its write would meet).
  private var ended: (any Error)?

  init(timeout: TimeAmount) {
    self.timeout = timeout
  }

  /// Replies that came without being asked for. After STARTTLS's answer there must be none: one
  /// would be plaintext slipped in before encryption and taken as the answer to a command sent
  /// under TLS.
  var hasUnclaimedReplies: Bool { !unclaimed.isEmpty }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let request = unwrapOutboundIn(data)
    if let ended {
      request.reply.fail(ended)
      promise?.fail(ended)
      return
    }
    if unclaimed.isEmpty {
      waiting.append(request.reply)
      armTimer(context: context)
    } else {
      request.reply.succeed(unclaimed.removeFirst())
    }
    if let command = request.command {
      // A write that fails closes the connection; the reply then fails with the reason the
      // connection ended (a failed TLS handshake fails the writes it held before it says why).
      let written = context.eventLoop.makePromise(of: Void.self)
      let channel = context.channel
      written.futureResult.whenFailure { _ in channel.close(promise: nil) }
      promise.map { written.futureResult.cascade(to: $0) }
      context.writeAndFlush(wrapOutboundOut(command), promise: written)
    } else {
      promise?.succeed()
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let reply = unwrapInboundIn(data)
    if waiting.isEmpty {
      unclaimed.append(reply)
    } else {
      waiting.removeFirst().succeed(reply)
    }
    timer?.cancel()
    timer = nil
    if !waiting.isEmpty { armTimer(context: context) }
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    ended = ended ?? error
    failAll(error)
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    ended = ended ?? Closed()
    failAll(ended ?? Closed())
    context.fireChannelInactive()
  }

  private func armTimer(context: ChannelHandlerContext) {
    guard timer == nil else { return }
    let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
    let milliseconds = timeout.nanoseconds / 1_000_000
    timer = context.eventLoop.scheduleTask(in: timeout) {
      let (handler, context) = bound.value
      handler.ended = handler.ended ?? TimedOut(milliseconds: milliseconds)
      handler.failAll(TimedOut(milliseconds: milliseconds))
      context.close(promise: nil)
    }
  }

  private func failAll(_ error: any Error) {
    timer?.cancel()
    timer = nil
    let promises = waiting
    waiting = []
    for promise in promises { promise.fail(error) }
  }
}
