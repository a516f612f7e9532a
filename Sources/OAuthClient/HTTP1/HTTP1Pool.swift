import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Keep-alive HTTP/1.1 connections to one origin, for the token requests of
/// one server: a lean path on SwiftNIO's own HTTP/1.1 codec, for the requests
/// a batch sends by the thousand.
///
/// Every request gets its own connection or an idle one; at most
/// `idleLimit` connections stay open between requests, the rest are closed.
/// A TLS origin is asked first with one connection offering `h2` and
/// `http/1.1` by ALPN: when the server chooses `h2`, ``send(headers:body:deadline:limit:)``
/// returns nil from then on and the caller sends through AsyncHTTPClient,
/// which multiplexes HTTP/2. The rules are AsyncHTTPClient's as OAuthClient
/// configures it: no redirect followed, one deadline over the whole exchange,
/// the body capped as it arrives, certificates and host name verified.
final class HTTP1Pool: Sendable {
    /// What is known of the protocol the origin speaks.
    private enum Mode {
        /// HTTP/1.1: plain HTTP, or TLS whose ALPN did not choose `h2`.
        case http1
        /// TLS, not yet asked; `probe` completes (true for HTTP/1.1) once the first handshake is done.
        case unknown(probe: EventLoopPromise<Bool>?)
        /// The server chose `h2`: requests go through AsyncHTTPClient.
        case http2
    }

    private struct State {
        var mode: Mode
        var idle: [HTTP1Connection] = []
        var sslContext: NIOSSLContext?
    }

    private let group: any EventLoopGroup
    private let host: String
    private let port: Int
    private let serverHostname: String?
    private let tlsConfiguration: TLSConfiguration?
    private let idleLimit: Int
    private let uri: String
    private let hostHeader: String
    private let state: NIOLockedValueBox<State>

    /// A pool for `endpoint`; `tlsConfiguration` is used for an `https` endpoint
    /// (its `applicationProtocols` replaced by `h2` and `http/1.1`).
    init(endpoint: Endpoint, tlsConfiguration: TLSConfiguration, group: any EventLoopGroup, idleLimit: Int) {
        let components = URLComponents(url: endpoint.parsed, resolvingAgainstBaseURL: false)
        let secure = endpoint.origin.hasPrefix("https:")
        var host = components?.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = components?.port ?? (secure ? 443 : 80)
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        self.group = group
        self.host = host
        self.port = port
        self.serverHostname = isAddress ? nil : host
        var tls = tlsConfiguration
        tls.applicationProtocols = ["h2", "http/1.1"]
        self.tlsConfiguration = secure ? tls : nil
        self.idleLimit = max(1, idleLimit)
        var path = components?.percentEncodedPath ?? ""
        if path.isEmpty { path = "/" }
        if let query = components?.percentEncodedQuery { path += "?" + query }
        self.uri = path
        let named = host.contains(":") ? "[\(host)]" : host
        let defaultPort = secure ? 443 : 80
        self.hostHeader = port == defaultPort ? named : "\(named):\(port)"
        self.state = NIOLockedValueBox(State(mode: secure ? .unknown(probe: nil) : .http1))
    }

    /// Whether the pool can make connections on `group`: SwiftNIO's POSIX
    /// event loops (not Network.framework's, which AsyncHTTPClient uses on macOS).
    static func supports(_ group: any EventLoopGroup) -> Bool {
        ClientBootstrap(validatingGroup: group) != nil
    }

    deinit {
        for connection in state.withLockedValue({ $0.idle }) {
            connection.channel.close(promise: nil)
        }
    }

    /// POSTs `body` with `headers` (the pool adds `Host` and `Content-Length`)
    /// and reads the answer; nil when the server speaks HTTP/2 (send through
    /// AsyncHTTPClient instead), or when the first TLS connection, which
    /// another request is making, failed (the caller's client then reports why).
    ///
    /// - Throws: ``HTTP1Failure``, `AnswerCollector.Refusal`, `CancellationError`,
    ///   or SwiftNIO's connection and TLS errors.
    func send(headers: HTTPHeaders, body: ByteBuffer, deadline: NIODeadline, limit: Int) async throws -> HTTPAnswer? {
        enum Route { case go, probe(EventLoopPromise<Bool>), wait(EventLoopFuture<Bool>), delegate }
        let route = state.withLockedValue { state -> Route in
            switch state.mode {
            case .http1: return .go
            case .http2: return .delegate
            case .unknown(let probe?): return .wait(probe.futureResult)
            case .unknown(nil):
                let probe = group.any().makePromise(of: Bool.self)
                state.mode = .unknown(probe: probe)
                return .probe(probe)
            }
        }
        switch route {
        case .go:
            break
        case .delegate:
            return nil
        case .wait(let probe):
            guard try await verdict(of: probe, deadline: deadline) else { return nil }
        case .probe(let probe):
            // The handshake settles the mode (see `negotiated`); a probe that
            // never got that far lets the next request try again.
            do {
                let answer = try await exchange(headers: headers, body: body, deadline: deadline, limit: limit)
                settle(probe, http1: true)
                return answer
            } catch HTTP1Failure.negotiatedHTTP2 {
                return nil
            } catch {
                settle(probe, http1: nil)
                throw error
            }
        }
        do {
            return try await exchange(headers: headers, body: body, deadline: deadline, limit: limit)
        } catch HTTP1Failure.negotiatedHTTP2 {
            return nil
        }
    }

    /// Waits for the first handshake's verdict (true: HTTP/1.1), but not past
    /// this request's own `deadline` and not past its task's cancellation: a
    /// client with a short timeout behind a first request with a long one
    /// times out on its own clock.
    private func verdict(of probe: EventLoopFuture<Bool>, deadline: NIODeadline) async throws -> Bool {
        let loop = probe.eventLoop
        let outcome = loop.makePromise(of: Bool.self)
        let settled = NIOLockedValueBox(false)
        @Sendable func settle(_ result: Result<Bool, any Error>) {
            let first = settled.withLockedValue { done in
                defer { done = true }
                return !done
            }
            if first { outcome.completeWith(result) }
        }
        let timer = loop.scheduleTask(deadline: deadline) { settle(.failure(HTTP1Failure.deadlineExceeded)) }
        probe.whenComplete { result in
            timer.cancel()
            settle(.success((try? result.get()) == true))
        }
        return try await withTaskCancellationHandler {
            try await outcome.futureResult.get()
        } onCancel: {
            settle(.failure(CancellationError()))
        }
    }

    private func exchange(headers: HTTPHeaders, body: ByteBuffer, deadline: NIODeadline, limit: Int) async throws -> HTTPAnswer {
        var headers = headers
        headers.add(name: "Host", value: hostHeader)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: uri, headers: headers)
        var reuse = true
        while true {
            let (connection, wasIdle) = try await connection(deadline: deadline, reuse: reuse)
            guard !Task.isCancelled else {
                // Nothing is sent for a cancelled request.
                if wasIdle { release(connection) } else { connection.channel.close(promise: nil) }
                throw CancellationError()
            }
            do {
                return try await send(head, body: body, limit: limit, deadline: deadline, on: connection)
            } catch HTTP1Failure.notSent where wasIdle {
                // An idle connection that was closing (the server closed it,
                // say) took nothing: the request goes on a new connection.
                reuse = false
            }
        }
    }

    /// Runs one exchange on `connection`, which is back in the pool before the answer is returned when it can carry another.
    private func send(_ head: HTTPRequestHead, body: ByteBuffer, limit: Int, deadline: NIODeadline, on connection: HTTP1Connection)
        async throws -> HTTPAnswer
    {
        let loop = connection.channel.eventLoop
        let promise = loop.makePromise(of: HTTPAnswer.self)
        let exchange = HTTP1Exchange(head: head, body: body, limit: limit, promise: promise) { [self] reusable in
            if reusable { release(connection) }
        }
        let handler = connection.handler
        loop.execute { handler.value.start(exchange, deadline: deadline) }
        let answer = promise.futureResult
        return try await withTaskCancellationHandler {
            try await answer.get()
        } onCancel: {
            // Only this exchange: once it is over, the connection may carry another request.
            loop.execute { handler.value.cancel(answer) }
        }
    }

    /// An idle connection (unless `reuse` is false), or a new one; and whether it was idle.
    private func connection(deadline: NIODeadline, reuse: Bool) async throws -> (HTTP1Connection, Bool) {
        if reuse, let idle = state.withLockedValue({ $0.idle.popLast() }) {
            return (idle, true)
        }
        let sslContext = try tlsConfiguration.map { configuration in
            try state.withLockedValue { state in
                if let context = state.sslContext { return context }
                let context = try NIOSSLContext(configuration: configuration)
                state.sslContext = context
                return context
            }
        }
        let serverHostname = self.serverHostname
        let negotiated: @Sendable (Bool) -> Void = { [weak self] isHTTP2 in self?.negotiated(isHTTP2: isHTTP2) }
        let remove: @Sendable (any Channel) -> Void = { [weak self] channel in self?.remove(channel) }
        // The handler of each channel the bootstrap makes (happy eyeballs may
        // try several), found by the channel that connected: it can no longer
        // be looked up in a pipeline a failed TLS handshake already closed.
        let handlers = NIOLockedValueBox<[ObjectIdentifier: NIOLoopBound<HTTP1ExchangeHandler>]>([:])
        let loop = group.next()
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(max(.zero, deadline - .now()))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let sslContext {
                        try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname))
                    }
                    try sync.addHTTPClientHandlers()
                    let handler = HTTP1ExchangeHandler(
                        usesTLS: sslContext != nil,
                        negotiated: negotiated,
                        closed: { [weak channel] in
                            if let channel { remove(channel) }
                        })
                    try sync.addHandler(handler)
                    let bound = NIOLoopBound(handler, eventLoop: channel.eventLoop)
                    handlers.withLockedValue { $0[ObjectIdentifier(channel)] = bound }
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        guard let handler = handlers.withLockedValue({ $0[ObjectIdentifier(channel)] }) else {
            channel.close(promise: nil)
            throw HTTP1Failure.closedBeforeAnswer
        }
        return (HTTP1Connection(channel: channel, handler: handler), false)
    }

    private func release(_ connection: HTTP1Connection) {
        let kept = state.withLockedValue { state in
            guard state.idle.count < idleLimit else { return false }
            state.idle.append(connection)
            return true
        }
        if !kept { connection.channel.close(promise: nil) }
    }

    private func remove(_ channel: any Channel) {
        state.withLockedValue { state in
            state.idle.removeAll { $0.channel === channel }
        }
    }

    /// The first TLS handshake's answer: HTTP/2 or not, for every later request.
    private func negotiated(isHTTP2: Bool) {
        let probe = state.withLockedValue { state -> EventLoopPromise<Bool>? in
            guard case .unknown(let probe) = state.mode else { return nil }
            state.mode = isHTTP2 ? .http2 : .http1
            return probe
        }
        probe?.succeed(!isHTTP2)
    }

    /// Ends a probe that is still pending (its handshake never completed, or
    /// the origin is plain HTTP): waiting requests go through AsyncHTTPClient,
    /// and the next one probes again.
    private func settle(_ probe: EventLoopPromise<Bool>, http1: Bool?) {
        let pending = state.withLockedValue { state -> Bool in
            guard case .unknown(let current?) = state.mode, current.futureResult === probe.futureResult else { return false }
            state.mode = http1 == true ? .http1 : .unknown(probe: nil)
            return true
        }
        if pending { probe.succeed(http1 == true) }
    }
}

/// One pooled connection: its channel and the handler that runs its exchanges.
final class HTTP1Connection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<HTTP1ExchangeHandler>

    init(channel: any Channel, handler: NIOLoopBound<HTTP1ExchangeHandler>) {
        self.channel = channel
        self.handler = handler
    }
}
