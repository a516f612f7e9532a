import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Provisioner

/// `watch --health-listen`: `/healthz`, `/readyz` and `/metrics` over HTTP/1.1.
///
/// `/healthz` answers 200 while the watch loop runs; `/readyz` answers 200
/// once every selected client holds an unexpired token, 503 otherwise
/// (naming the clients that do not, never a token); `/metrics` serves the
/// Prometheus text format. Other paths get 404, other methods 405.
final class HealthServer: Sendable {
    private let channel: any Channel

    /// The bound address (its port when 0 was asked for).
    var localAddress: String {
        guard let address = channel.localAddress, let port = address.port else { return "?" }
        let host = address.ipAddress ?? "?"
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Binds `host:port` and starts answering.
    static func start(host: String, port: Int, status: WatchStatus, metrics: WatchMetrics) async throws -> HealthServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HealthHandler(status: status, metrics: metrics))
                }
            }
            .bind(host: host, port: port)
            .get()
        return HealthServer(channel: channel)
    }

    /// Stops listening; open connections end with their current answer.
    func close() async {
        try? await channel.close()
    }
}

/// One connection's handler: answers each request from the shared status.
private final class HealthHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let status: WatchStatus
    private let metrics: WatchMetrics
    private var head: HTTPRequestHead?

    init(status: WatchStatus, metrics: WatchMetrics) {
        self.status = status
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let (code, contentType, body) = answer(requestHead)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.count))
            headers.add(name: "Cache-Control", value: "no-store")
            let keepAlive = requestHead.isKeepAlive
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: code, headers: headers))), promise: nil)
            if requestHead.method != .HEAD {
                context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        }
    }

    private func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String, [UInt8]) {
        let text = "text/plain; charset=utf-8"
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, text, Array("only GET and HEAD\n".utf8))
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let snapshot = status.snapshot
        switch path {
        case "/healthz":
            return snapshot.running ? (.ok, text, Array("ok\n".utf8)) : (.serviceUnavailable, text, Array("stopping\n".utf8))
        case "/readyz":
            guard snapshot.started else { return (.serviceUnavailable, text, Array("not ready: the first batch is running\n".utf8)) }
            let unready = snapshot.unready(at: Date())
            if unready.isEmpty {
                return (.ok, text, Array("ready: \(snapshot.clients.count) clients hold unexpired tokens\n".utf8))
            }
            let shown = unready.prefix(20).joined(separator: ", ") + (unready.count > 20 ? ", …" : "")
            return (.serviceUnavailable, text, Array("not ready: \(unready.count) clients hold no unexpired token: \(shown)\n".utf8))
        case "/metrics":
            metrics.update(from: snapshot, now: Date())
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.render())
        default:
            return (.notFound, text, Array("not found; try /healthz, /readyz or /metrics\n".utf8))
        }
    }
}
