import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Reads one answer for ``HTTPTransport``: the head, then the body up to a cap.
///
/// AsyncHTTPClient calls a delegate only on its task's event loop, one call
/// at a time, so the mutable state needs no lock; that confinement is why the
/// class is `@unchecked Sendable`.
final class AnswerCollector: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = HTTPAnswer

    /// Why an answer was refused before it was complete.
    enum Refusal: Error {
        /// The body (announced or received) is larger than the cap.
        case tooLarge(status: Int)
        /// The HTTP client followed a redirect (one not made by ``OAuthHTTP``).
        case redirected
    }

    private let limit: Int
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    private var visits = 0

    init(limit: Int) {
        self.limit = limit
    }

    func didVisitURL(task: HTTPClient.Task<HTTPAnswer>, _ request: HTTPClient.Request, _ head: HTTPResponseHead) {
        visits += 1
    }

    func didReceiveHead(task: HTTPClient.Task<HTTPAnswer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let status = Int(head.status.code)
        if visits > 1 {
            return task.eventLoop.makeFailedFuture(Refusal.redirected)
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > limit {
            return task.eventLoop.makeFailedFuture(Refusal.tooLarge(status: status))
        }
        self.head = head
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<HTTPAnswer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard body.readableBytes + buffer.readableBytes <= limit else {
            return task.eventLoop.makeFailedFuture(Refusal.tooLarge(status: head.map { Int($0.status.code) } ?? 0))
        }
        if body.readableBytes == 0 {
            body = buffer
        } else {
            var buffer = buffer
            body.writeBuffer(&buffer)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<HTTPAnswer>) throws -> HTTPAnswer {
        guard let head else { throw HTTPClientError.remoteConnectionClosed }
        return HTTPAnswer(status: Int(head.status.code), headers: head.headers, body: body, receivedAt: Date())
    }
}
