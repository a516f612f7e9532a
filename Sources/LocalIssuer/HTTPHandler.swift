internal import NIOCore
internal import NIOHTTP1

/// One connection's HTTP/1.1 handler: collects a request, asks the core, writes the reply.
///
/// Keep-alive and pipelining come from NIO's server pipeline; this handler applies
/// delays, connection closes and endless streaming for faults, and tracks the
/// token requests in flight for ``Statistics/maxConcurrentTokenRequests``.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Request bodies above this size are refused with 413.
    static let maxRequestBody = 1 << 20

    private let core: IssuerCore
    private let listener: Listener
    private let peer: PeerCertificateBox?
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyTooLarge = false
    private var tokenRequestInFlight = false
    private var isActive = true

    init(core: IssuerCore, listener: Listener, peer: PeerCertificateBox?) {
        self.core = core
        self.listener = listener
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = nil
            bodyTooLarge = false
        case .body(var chunk):
            guard !bodyTooLarge else { return }
            if (body?.readableBytes ?? 0) + chunk.readableBytes > Self.maxRequestBody {
                bodyTooLarge = true
                body = nil
            } else if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(context: context, head: requestHead)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        finishTokenRequest()
        context.fireChannelInactive()
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let uri = head.uri
        let path = uri.firstIndex(where: { $0 == "?" || $0 == "#" }).map { String(uri[..<$0]) } ?? uri
        let route = core.route(path)
        core.statistics.requestReceived(path: path, isDiscovery: route == .discovery, isToken: route == .token)
        if route == .token { tokenRequestInFlight = true }
        let reply: Reply
        if bodyTooLarge {
            reply = Reply(.json(.payloadTooLarge, #"{"error":"invalid_request","error_description":"The request body is too large."}"#))
        } else {
            let request = IncomingRequest(
                method: head.method,
                path: path,
                headers: head.headers,
                body: body,
                listener: listener,
                peerCertificate: peer?.get()
            )
            reply = core.handle(request, route: route)
        }
        body = nil
        let keepAlive = head.isKeepAlive
        if reply.barrier > 0 {
            waitForBarrier(reply, context: context, keepAlive: keepAlive, checksLeft: 6_000)
        } else {
            perform(reply.action, after: reply.delay, context: context, keepAlive: keepAlive)
        }
    }

    /// Performs `action` now, or after `delay` if the connection is still open then.
    private func perform(_ action: ResponseAction, after delay: Duration, context: ChannelHandlerContext, keepAlive: Bool) {
        guard delay > .zero else {
            perform(action, context: context, keepAlive: keepAlive)
            return
        }
        let components = delay.components
        let nanoseconds = components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
            guard self.isActive else { return }
            self.perform(action, context: context, keepAlive: keepAlive)
        }
    }

    /// Checks every 5 ms (for at most 30 s) whether the barrier's count of token
    /// requests has been in flight together, then answers as without it.
    private func waitForBarrier(_ reply: Reply, context: ChannelHandlerContext, keepAlive: Bool, checksLeft: Int) {
        guard isActive else { return }
        if checksLeft == 0 || core.statistics.snapshot().maxConcurrentTokenRequests >= reply.barrier {
            perform(reply.action, after: reply.delay, context: context, keepAlive: keepAlive)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(5)) {
            self.waitForBarrier(reply, context: context, keepAlive: keepAlive, checksLeft: checksLeft - 1)
        }
    }

    private func perform(_ action: ResponseAction, context: ChannelHandlerContext, keepAlive: Bool) {
        switch action {
        case .respond(let response):
            var headers = HTTPHeaders(response.headers)
            let buffer = context.channel.allocator.buffer(string: response.body)
            headers.replaceOrAdd(name: "Content-Length", value: String(buffer.readableBytes))
            if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            // Counted as finished before the answer leaves: once a client has
            // read it, the statistics must no longer show the request in flight.
            finishTokenRequest()
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        case .closeConnection:
            finishTokenRequest()
            context.close(promise: nil)
        case .streamForever(let response, let interval):
            let headers = HTTPHeaders(response.headers)
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers))), promise: nil)
            let first = context.channel.allocator.buffer(string: response.body)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(first))), promise: nil)
            streamChunk(context: context, interval: interval)
        }
    }

    /// Writes one padding chunk and schedules the next, until the connection closes.
    private func streamChunk(context: ChannelHandlerContext, interval: Duration) {
        let components = interval.components
        let nanoseconds = max(1_000_000, components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
            guard self.isActive else { return }
            let chunk = context.channel.allocator.buffer(string: "aaaaaaaaaaaaaaaa")
            context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            self.streamChunk(context: context, interval: interval)
        }
    }

    private func finishTokenRequest() {
        if tokenRequestInFlight {
            tokenRequestInFlight = false
            core.statistics.tokenRequestFinished()
        }
    }
}
