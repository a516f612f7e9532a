import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import NIOHTTP1
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

    /// A channel with the client codec and a handler, one exchange started
    /// with a body cap of `limit`; returns the channel, the answer's future and the outcome.
    static func start(limit: Int = 64) throws -> (EmbeddedChannel, EventLoopFuture<HTTPAnswer>, Outcome) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHTTPClientHandlers()
        let handler = HTTP1ExchangeHandler(usesTLS: false, negotiated: { _ in }, closed: {})
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        let promise = channel.eventLoop.makePromise(of: HTTPAnswer.self)
        let outcome = Outcome()
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/token", headers: ["Host": "example", "Content-Length": "1"])
        handler.start(
            HTTP1Exchange(head: head, body: ByteBuffer(string: "x"), limit: limit, promise: promise) { reusable in
                outcome.reusable.withLockedValue { $0 = reusable }
            },
            deadline: .now() + .seconds(30))
        _ = try channel.readOutbound(as: ByteBuffer.self)  // the request's bytes
        return (channel, promise.futureResult, outcome)
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
        let result = try #require(Self.result(future, channel))
        guard case .failure(let error) = result else {
            Issue.record("a short body was taken as an answer")
            return
        }
        #expect(error as? HTTP1Failure == .closedBeforeAnswer, "\(error)")
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
        let result = try #require(Self.result(future, channel))
        guard case .failure = result else {
            Issue.record("garbage was taken as an answer")
            return
        }
        #expect(outcome.reusable.withLockedValue { $0 } == false)
        #expect(!channel.isActive)
    }
}
