import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A tiny plain-HTTP server on 127.0.0.1 that answers every request with
/// whatever the test's closure returns, for answers the LocalIssuer cannot give
/// (exact bodies, missing discovery documents, headers of our choosing).
/// With a TLS context it serves HTTPS, for TLS failures of our choosing.
final class ScriptedServer: Sendable {
    struct Request: Sendable {
        let method: String
        let path: String
        let headers: [(String, String)]
        let body: String
        /// The client's port: which connection the request came on.
        let clientPort: Int
    }

    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: String

        init(status: Int = 200, headers: [(String, String)] = [("Content-Type", "application/json")], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    typealias Handler = @Sendable (Request) -> Response

    let port: Int
    let scheme: String
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    var origin: String { "\(scheme)://127.0.0.1:\(port)" }

    private init(port: Int, scheme: String, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.port = port
        self.scheme = scheme
        self.group = group
        self.channel = channel
    }

    static func start(tls: NIOSSLContext? = nil, _ handler: @escaping Handler) async throws -> ScriptedServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ScriptedHandler(handler: handler))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return ScriptedServer(port: channel.localAddress?.port ?? 0, scheme: tls == nil ? "http" : "https", group: group, channel: channel)
    }

    func shutdown() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }
}

private final class ScriptedHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let handler: ScriptedServer.Handler
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(handler: @escaping ScriptedServer.Handler) {
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            let request = ScriptedServer.Request(
                method: head.method.rawValue, path: head.uri,
                headers: head.headers.map { ($0.name, $0.value) }, body: String(buffer: body),
                clientPort: context.channel.remoteAddress?.port ?? 0
            )
            let response = handler(request)
            var headers = HTTPHeaders(response.headers)
            headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.utf8.count)")
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: response.status), headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: response.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
