import NIOCore
import NIOTLS

/// Completes when the TLS handshake after STARTTLS does, or fails with the handshake's own
/// error (an untrusted certificate) before the connection closes and takes the reason with it.
final class TLSHandshake: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = NIOAny

  private let done: EventLoopPromise<Void>

  init(done: EventLoopPromise<Void>) {
    self.done = done
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
      done.succeed()
      context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    done.fail(error)
    context.fireErrorCaught(error)
  }

  func channelInactive(context: ChannelHandlerContext) {
    done.fail(SMTPConversation.Closed())
    context.fireChannelInactive()
  }
}
