import Foundation
import NIOCore
import NIOHTTP1
import NIOTLS

/// Why an exchange on a pooled HTTP/1.1 connection ended without an answer
/// (the transport turns each into an ``OAuthClientError``).
enum HTTP1Failure: Error, Equatable {
    /// The deadline of the whole exchange (connect, TLS, request, answer) passed.
    case deadlineExceeded
    /// The server closed the connection before its answer was complete.
    case closedBeforeAnswer
    /// The server chose HTTP/2 by ALPN: the request was not sent on this connection.
    case negotiatedHTTP2
    /// The server sent bytes that are not an answer to a request in flight.
    case unexpectedAnswer
    /// The connection was already failing or closing when the request came:
    /// nothing was sent, so the request may go on another connection.
    case notSent
}

/// One request and what to do with its answer, owned by the connection's handler.
struct HTTP1Exchange {
    let head: HTTPRequestHead
    let body: ByteBuffer
    let limit: Int
    let promise: EventLoopPromise<HTTPAnswer>
    /// Called once the answer is complete, before the caller sees it: whether
    /// the connection may carry another request.
    let finished: @Sendable (_ reusable: Bool) -> Void
}

/// The last handler of a pooled HTTP/1.1 connection: sends one request at a
/// time and reads its answer, with the body capped as it arrives and one
/// deadline over the whole exchange.
///
/// It lives on its channel's event loop and is touched only there (the pool
/// reaches it through `NIOLoopBound`).
final class HTTP1ExchangeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    /// True on a TLS connection until its handshake completed: a request waits
    /// for it, so no byte goes to a server that chose HTTP/2.
    private var awaitingHandshake: Bool
    private var waiting: HTTP1Exchange?
    private var current: HTTP1Exchange?
    private var timeout: Scheduled<Void>?
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    /// Set once the connection failed or was closed: it takes no request
    /// (its channel may still look active while TLS shuts down).
    private var closing = false
    /// The first error the connection saw (a TLS handshake that failed before
    /// a request was started, say): what a request on it then fails with.
    private var failure: (any Error)?
    /// Told whether the server chose HTTP/2, once the TLS handshake is done.
    private let negotiated: @Sendable (_ isHTTP2: Bool) -> Void
    /// Told when the connection closed, so an idle one leaves the pool.
    private let closed: @Sendable () -> Void

    init(
        usesTLS: Bool, negotiated: @escaping @Sendable (_ isHTTP2: Bool) -> Void,
        closed: @escaping @Sendable () -> Void
    ) {
        self.awaitingHandshake = usesTLS
        self.negotiated = negotiated
        self.closed = closed
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends `exchange` (after the TLS handshake) and arms its deadline.
    func start(_ exchange: HTTP1Exchange, deadline: NIODeadline) {
        guard let context, context.channel.isActive, !closing, current == nil, waiting == nil else {
            exchange.finished(false)
            exchange.promise.fail(failure ?? HTTP1Failure.notSent)
            return
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(deadline: deadline) {
            handler.value.fail(HTTP1Failure.deadlineExceeded)
        }
        if awaitingHandshake {
            waiting = exchange
        } else {
            send(exchange, context: context)
        }
    }

    /// Ends the exchange whose answer is `answer` with `CancellationError`
    /// and closes the connection; nothing when that exchange is already over
    /// (the connection may carry another request by then).
    func cancel(_ answer: EventLoopFuture<HTTPAnswer>) {
        guard let exchange = current ?? waiting, exchange.promise.futureResult === answer else { return }
        fail(CancellationError())
    }

    private func send(_ exchange: HTTP1Exchange, context: ChannelHandlerContext) {
        current = exchange
        head = nil
        body.clear()
        context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(exchange.body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted(let negotiatedProtocol) = event {
            awaitingHandshake = false
            let isHTTP2 = negotiatedProtocol == "h2"
            negotiated(isHTTP2)
            if isHTTP2 {
                // Also for a request that comes after this: it goes elsewhere.
                failure = HTTP1Failure.negotiatedHTTP2
                fail(HTTP1Failure.negotiatedHTTP2)
            } else if let exchange = waiting {
                waiting = nil
                send(exchange, context: context)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let exchange = current else {
            fail(HTTP1Failure.unexpectedAnswer)
            return
        }
        switch unwrapInboundIn(data) {
        case .head(let received):
            // (1xx answers never get here: the client codec drops them.)
            let status = Int(received.status.code)
            if let length = received.headers.first(name: "content-length").flatMap(Int.init), length > exchange.limit {
                fail(AnswerCollector.Refusal.tooLarge(status: status))
                return
            }
            head = received
        case .body(var part):
            guard body.readableBytes + part.readableBytes <= exchange.limit else {
                fail(AnswerCollector.Refusal.tooLarge(status: head.map { Int($0.status.code) } ?? 0))
                return
            }
            if body.readableBytes == 0 && body.capacity == 0 {
                body = part
            } else {
                body.writeBuffer(&part)
            }
        case .end:
            guard let head else {
                fail(HTTP1Failure.unexpectedAnswer)
                return
            }
            let answer = HTTPAnswer(status: Int(head.status.code), headers: head.headers, body: body, receivedAt: Date())
            current = nil
            self.head = nil
            body = ByteBuffer()
            timeout?.cancel()
            timeout = nil
            let reusable = head.isKeepAlive && exchange.head.isKeepAlive
            if !reusable {
                closing = true
                context.close(promise: nil)
            }
            exchange.finished(reusable)
            exchange.promise.succeed(answer)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The decoder's word for a connection closed inside an answer (a body
        // shorter than its Content-Length): say that, not the parser's state.
        let error = (error as? HTTPParserError) == .invalidEOFState ? HTTP1Failure.closedBeforeAnswer : error
        if failure == nil { failure = error }
        fail(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(failure ?? HTTP1Failure.closedBeforeAnswer)
        closed()
        context.fireChannelInactive()
    }

    /// Fails the exchange in flight (if any) and closes the connection: a
    /// connection whose exchange did not finish cleanly is never reused.
    private func fail(_ error: any Error) {
        timeout?.cancel()
        timeout = nil
        let exchange = current ?? waiting
        current = nil
        waiting = nil
        head = nil
        if !closing {
            closing = true
            // Out of the idle list now, not when TLS has finished shutting down.
            closed()
        }
        context?.close(promise: nil)
        if let exchange {
            exchange.finished(false)
            exchange.promise.fail(error)
        }
    }
}
