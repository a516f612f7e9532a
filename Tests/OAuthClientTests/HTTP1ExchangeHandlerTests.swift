import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import NIOTLS
import Testing
@testable import OAuthClient

/// The exchange handler fed server bytes directly (an `EmbeddedChannel` with
/// SwiftNIO's HTTP/1.1 codec in front): answers no test server gives.
@Suite("HTTP/1.1 exchange handler: server bytes of every shape")
struct HTTP1ExchangeHandlerTests {
    /// What the exchange ended with, and whether its connection may be reused.
    final class Outcome: Sendable {
        let reusable = NIOLockedValueBox<Bool?>(nil)
    }

    /// A connected channel with the client codec and an exchange handler.
    static func channel(usesTLS: Bool = false) throws -> (EmbeddedChannel, HTTP1ExchangeHandler) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        let handler = HTTP1ExchangeHandler(usesTLS: usesTLS, negotiated: { _ in }, closed: {})
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        return (channel, handler)
    }

    /// Starts one exchange with a body cap of `limit`; returns its answer's future and outcome.
    static func begin(_ handler: HTTP1ExchangeHandler, on channel: EmbeddedChannel, limit: Int = 64) -> (
        EventLoopFuture<HTTPAnswer>, Outcome
    ) {
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        let outcome = Outcome()
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/token", headers: ["Host": "example", "Content-Length": "1"])
        handler.start(
            HTTP1Exchange(head: head, body: ByteBuffer(string: "x"), limit: limit, promise: promise) { reusable in
                outcome.reusable.withLockedValue { $0 = reusable }
            },
            deadline: .now() + .seconds(30))
        return (promise.futureResult, outcome)
    }

    /// A channel with one exchange started (its request read off), the answer's future and the outcome.
    static func start(limit: Int = 64) throws -> (EmbeddedChannel, EventLoopFuture<HTTPAnswer>, Outcome) {
        let (channel, handler) = try channel()
        let (future, outcome) = begin(handler, on: channel, limit: limit)
        _ = try channel.readOutbound(as: ByteBuffer.self)  // the request's bytes
        return (channel, future, outcome)
    }

    /// The error the exchange ended with; records an issue (and returns nil) when it ended with an answer, or not at all.
    static func failure(_ future: EventLoopFuture<HTTPAnswer>, _ channel: EmbeddedChannel) -> (any Error)? {
        switch result(future, channel) {
        case .failure(let error): return error
        case .success: Issue.record("the exchange ended with an answer")
        case nil: Issue.record("the exchange did not end")
        }
        return nil
    }

    static func result(_ future: EventLoopFuture<HTTPAnswer>, _ channel: EmbeddedChannel) -> Result<HTTPAnswer, any Error>? {
        channel.embeddedEventLoop.run()
        let box = NIOLockedValueBox<Result<HTTPAnswer, any Error>?>(nil)
        future.whenComplete { result in box.withLockedValue { $0 = result } }
        channel.embeddedEventLoop.run()
        return box.withLockedValue { $0 }
    }

    @Test("a 100 Continue before the answer is skipped: the answer is the 200 after it, and the connection is reusable")
    func informationalFirst() throws {
        let (channel, future, outcome) = try Self.start()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
        let answer = try #require(try Self.result(future, channel)?.get())
        #expect(answer.status == 200)
        #expect(String(buffer: answer.body) == "{}")
        #expect(outcome.reusable.withLockedValue { $0 } == true)
        #expect(channel.isActive)
    }

    @Test("a chunked body that grows past the cap is refused while it arrives, and the connection is closed")
    func chunkedOverCap() throws {
        let (channel, future, outcome) = try Self.start(limit: 16)
        let chunk = String(repeating: "a", count: 10)
        _ = try? channel.writeInbound(
            ByteBuffer(string: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n\(chunk)\r\na\r\n\(chunk)\r\n"))
        let result = try #require(Self.result(future, channel))
        guard case .failure(AnswerCollector.Refusal.tooLarge(let status)) = result else {
            Issue.record("expected tooLarge, got \(result)")
            return
        }
        #expect(status == 200)
        #expect(outcome.reusable.withLockedValue { $0 } == false)
        #expect(!channel.isActive)
    }

    @Test("the server closing mid-body ends the exchange with closedBeforeAnswer, not a short answer")
    func closedMidBody() throws {
        let (channel, future, outcome) = try Self.start()
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n{\"access_token\""))
        _ = try? channel.close().wait()
        let error = Self.failure(future, channel)
        #expect(error as? HTTP1Failure == .closedBeforeAnswer, "\(String(describing: error))")
        #expect(outcome.reusable.withLockedValue { $0 } == false)
    }

    @Test("an answer with Connection: close completes the exchange and marks the connection not reusable")
    func connectionClose() throws {
        let (channel, future, outcome) = try Self.start()
        _ = try? channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"))
        let answer = try #require(try Self.result(future, channel)?.get())
        #expect(answer.status == 200)
        #expect(outcome.reusable.withLockedValue { $0 } == false)
    }

    @Test("bytes that are not HTTP fail the exchange and close the connection")
    func garbage() throws {
        let (channel, future, outcome) = try Self.start()
        _ = try? channel.writeInbound(ByteBuffer(string: "SSH-2.0-OpenSSH_9.2\r\n\r\n"))
        #expect(Self.failure(future, channel) != nil)
        #expect(outcome.reusable.withLockedValue { $0 } == false)
        #expect(!channel.isActive)
    }

    @Test("cancelling a request that already has its answer leaves the next request on the same connection alone")
    func lateCancel() throws {
        let (channel, handler) = try Self.channel()
        let (first, _) = Self.begin(handler, on: channel)
        _ = try channel.readOutbound(as: ByteBuffer.self)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
        #expect(try Self.result(first, channel)?.get().status == 200)
        let (second, _) = Self.begin(handler, on: channel)
        handler.cancel(first)  // the first task's cancellation arrives late
        #expect(channel.isActive)
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}"))
        #expect(try Self.result(second, channel)?.get().status == 200)
        handler.cancel(second)
        #expect(channel.isActive, "a finished exchange's cancellation closes nothing")
    }

    @Test("a request on a connection whose TLS handshake already chose h2 is refused as negotiatedHTTP2, and nothing is sent")
    func h2BeforeStart() throws {
        let (channel, handler) = try Self.channel(usesTLS: true)
        channel.pipeline.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: "h2"))
        let (future, _) = Self.begin(handler, on: channel)
        #expect(Self.failure(future, channel) as? HTTP1Failure == .negotiatedHTTP2)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }

    @Test("a request on a connection that has closed fails as notSent (the pool then uses a new connection)")
    func closedBeforeStart() throws {
        let (channel, handler) = try Self.channel()
        _ = try? channel.close().wait()
        let (future, _) = Self.begin(handler, on: channel)
        #expect(Self.failure(future, channel) as? HTTP1Failure == .notSent)
    }

    @Test("the pool runs on SwiftNIO's POSIX event loops only (AsyncHTTPClient's loops on macOS are not)")
    func supportedGroups() {
        #expect(HTTP1Pool.supports(MultiThreadedEventLoopGroup.singleton))
        #expect(!HTTP1Pool.supports(EmbeddedEventLoop()))
    }
}
