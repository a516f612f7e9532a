public import AsyncHTTPClient
public import NIOSSL
package import NIOCore
package import NIOHTTP1
package import Foundation

/// The HTTP client this library uses by default, and how to make one.
///
/// Redirects are never followed and connection failures are reported at
/// once (the caller's retry policy decides what happens next).
public enum OAuthHTTP {
    /// The client configuration OAuthClient needs: redirects disallowed, no
    /// decompression, no silent connection retry. TLS verification stays on.
    ///
    /// `connectionsPerHost` is how many HTTP/1.1 connections one server may
    /// get at once: set it to the number of requests the caller keeps in
    /// flight, or the excess waits in the client's queue (its wait counted
    /// against each request's timeout). AsyncHTTPClient's default is 8.
    public static func clientConfiguration(
        additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = [], connectionsPerHost: Int = 8
    ) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = additionalTrustRoots
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, connectionsPerHost)
        // No distributed tracing: without this, every request builds a span
        // and its attribute strings for the global no-op tracer (a visible
        // share of a 10,000-grant run's CPU).
        configuration.tracing.tracer = nil
        return configuration
    }

    /// A process-wide client with `clientConfiguration()`; it is never shut down.
    public static let shared = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration()
    )

    /// A new client with `clientConfiguration(additionalTrustRoots:connectionsPerHost:)`; call `shutdown()` on it when done.
    public static func makeHTTPClient(additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = [], connectionsPerHost: Int = 8) -> HTTPClient {
        HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: clientConfiguration(additionalTrustRoots: additionalTrustRoots, connectionsPerHost: connectionsPerHost))
    }

    /// Runs `body` with a new client that is always shut down afterwards, also on error or cancellation.
    public static func withHTTPClient<Result>(
        additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = [],
        connectionsPerHost: Int = 8,
        _ body: (HTTPClient) async throws -> Result
    ) async throws -> Result {
        try await HTTPClient.withHTTPClient(
            configuration: clientConfiguration(additionalTrustRoots: additionalTrustRoots, connectionsPerHost: connectionsPerHost), body)
    }
}

/// One HTTP answer, body fully read (within the cap).
package struct HTTPAnswer {
    let status: Int
    let headers: HTTPHeaders
    let body: ByteBuffer
    let receivedAt: Date

    /// An answer as received; `package` so the fuzz harness can build one.
    package init(status: Int, headers: HTTPHeaders, body: ByteBuffer, receivedAt: Date) {
        self.status = status
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }

    var contentType: String? { headers.first(name: "content-type") }

    /// `application/json` or `application/*+json`, parameters ignored (byte
    /// level: this runs once per token answer).
    var isJSONContentType: Bool {
        guard let contentType else { return false }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let head = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        guard let first = head.firstIndex(where: { !isSpace($0) }), let last = head.lastIndex(where: { !isSpace($0) }) else {
            return false
        }
        let mediaType = String(decoding: head[first...last], as: UTF8.self).lowercased()
        return mediaType == "application/json" || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }

    /// `Retry-After` as seconds or an HTTP-date, turned into a delay from now.
    var retryAfter: Duration? {
        guard let value = headers.first(name: "retry-after")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
        guard let date = HTTPDate.parse(value) else { return nil }
        return .seconds(max(0, Int(date.timeIntervalSince(receivedAt).rounded(.up))))
    }
}

/// Sends one request with the library's rules: deadline, no redirects, body cap.
enum HTTPTransport {
    static func send(
        client: HTTPClient,
        method: HTTPMethod,
        endpoint: Endpoint,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        tlsConfiguration: TLSConfiguration?,
        timeout: TimeAmount,
        maximumBodySize: Int,
        role: String,
        proxy: ProxyServer? = nil,
        pool: HTTP1Pool? = nil
    ) async throws(OAuthClientError) -> HTTPAnswer {
        // One deadline for the whole request, whichever way it goes: a request
        // that waited for the pool's first TLS handshake and then goes through
        // AsyncHTTPClient gets only what is left.
        let deadline = NIODeadline.now() + timeout
        if let pool, let body {
            do {
                if let answer = try await pool.send(headers: headers, body: body, deadline: deadline, limit: maximumBodySize) {
                    return answer
                }
            } catch AnswerCollector.Refusal.tooLarge(let status) {
                throw tooLarge(endpoint: endpoint, role: role, limit: maximumBodySize, status: status)
            } catch {
                throw translate(error, endpoint: endpoint, role: role, timeout: timeout, proxy: proxy)
            }
        }
        // AsyncHTTPClient's delegate API: its deadline covers the whole
        // exchange, a body that trickles in forever included, and the body is
        // capped as it arrives, without a task or stream per request.
        let task: HTTPClient.Task<HTTPAnswer>
        do {
            let request = try HTTPClient.Request(
                url: endpoint.parsed, method: method, headers: headers, body: body.map { .byteBuffer($0) },
                tlsConfiguration: endpoint.origin.hasPrefix("https:") ? tlsConfiguration : nil)
            task = client.execute(
                request: request, delegate: AnswerCollector(limit: maximumBodySize), deadline: deadline)
        } catch {
            throw translate(error, endpoint: endpoint, role: role, timeout: timeout, proxy: proxy)
        }
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch let refusal as AnswerCollector.Refusal {
            switch refusal {
            case .tooLarge(let status):
                throw tooLarge(endpoint: endpoint, role: role, limit: maximumBodySize, status: status)
            case .redirected:
                throw OAuthClientError(
                    .redirectNotFollowed,
                    "the \(role) \(endpoint.url) redirected and the HTTP client followed it; use an HTTPClient made by OAuthHTTP, which never follows redirects",
                    endpoint: endpoint.url)
            }
        } catch {
            throw translate(error, endpoint: endpoint, role: role, timeout: timeout, proxy: proxy)
        }
    }

    private static func tooLarge(endpoint: Endpoint, role: String, limit: Int, status: Int) -> OAuthClientError {
        OAuthClientError(
            .responseTooLarge,
            "the \(role) \(endpoint.url) answered with a body larger than \(limit) bytes, which is refused; raise the response size limit only if this server is trusted",
            endpoint: endpoint.url, statusCode: status)
    }

    /// Maps transport errors to codes; never includes request content. With
    /// a proxy, the message says so (its host and port, never its credentials).
    static func translate(_ error: any Error, endpoint: Endpoint, role: String, timeout: TimeAmount, proxy: ProxyServer? = nil)
        -> OAuthClientError
    {
        guard let proxy else { return translateDirect(error, endpoint: endpoint, role: role, timeout: timeout) }
        let url = endpoint.url
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .proxyAuthenticationRequired:
                let problem =
                    proxy.hasCredentials
                    ? "refused the user name and password of the proxy URL (HTTP 407); check them"
                    : "requires authentication (HTTP 407); put the user name and password in the proxy URL"
                return OAuthClientError(.invalidConfiguration, "the proxy \(proxy) for the \(role) \(url) \(problem)", endpoint: url)
            case .invalidProxyResponse:
                // Any refusal but 407 (tinyproxy answers a bad password with 401, squid with 407).
                let check =
                    proxy.hasCredentials
                    ? "check the user name and password of the proxy URL, and that the proxy allows CONNECT to that host and port"
                    : "check that the proxy allows CONNECT to that host and port, and whether it needs a user name and password in its URL"
                return OAuthClientError(
                    .connectionFailed, "the proxy \(proxy) refused to open a tunnel to the \(role) \(url); \(check)", endpoint: url)
            case .httpProxyHandshakeTimeout:
                return OAuthClientError(.timeout, "the proxy \(proxy) did not open a tunnel to the \(role) \(url) in time", endpoint: url)
            default: break
            }
        }
        let direct = translateDirect(error, endpoint: endpoint, role: role, timeout: timeout)
        return OAuthClientError(
            direct.code, direct.message + " (through the proxy \(proxy))", endpoint: direct.endpoint, statusCode: direct.statusCode,
            retryAfter: direct.retryAfter, location: direct.location)
    }

    private static func translateDirect(_ error: any Error, endpoint: Endpoint, role: String, timeout: TimeAmount) -> OAuthClientError {
        let url = endpoint.url
        let seconds = Double(timeout.nanoseconds) / 1e9
        // The same words whichever transport's deadline passed.
        var timedOut: OAuthClientError {
            OAuthClientError(
                .timeout,
                "the \(role) \(url) did not answer within \(seconds.formatted()) s; check that the server is up, or raise the timeout",
                endpoint: url)
        }
        if error is CancellationError {
            return OAuthClientError(.cancelled, "the request to the \(role) \(url) was cancelled", endpoint: url)
        }
        if let failure = error as? HTTP1Failure {
            switch failure {
            case .deadlineExceeded:
                return timedOut
            case .closedBeforeAnswer:
                return OAuthClientError(.transportFailure, "the \(role) \(url) closed the connection before answering", endpoint: url)
            case .notSent:
                return OAuthClientError(
                    .transportFailure, "the \(role) \(url) closed the connection before the request could be sent", endpoint: url)
            case .unexpectedAnswer, .negotiatedHTTP2:
                return OAuthClientError(
                    .transportFailure, "the \(role) \(url) sent bytes that are not an HTTP/1.1 answer to the request", endpoint: url)
            }
        }
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return timedOut
            case .cancelled:
                return OAuthClientError(.cancelled, "the request to the \(role) \(url) was cancelled", endpoint: url)
            case .alreadyShutdown:
                return OAuthClientError(.invalidConfiguration, "the HTTP client used for \(url) was already shut down", endpoint: url)
            case .remoteConnectionClosed:
                return OAuthClientError(.transportFailure, "the \(role) \(url) closed the connection before answering", endpoint: url)
            default:
                return OAuthClientError(.transportFailure, "the request to the \(role) \(url) failed: \(httpError)", endpoint: url)
            }
        }
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return OAuthClientError(.timeout, "could not connect to the \(role) \(url) within \(seconds.formatted()) s", endpoint: url)
        }
        if let failure = TLSFailure(error) {
            return OAuthClientError(.tlsFailure, failure.message(role: role, url: url, host: endpoint.parsed.host), endpoint: url)
        }
        if let failure = ConnectionFailure(error) {
            return OAuthClientError(
                .connectionFailed,
                "could not connect to the \(role) \(url) (\(failure.reason)); check the URL and that the server is running", endpoint: url)
        }
        return OAuthClientError(.transportFailure, "the request to the \(role) \(url) failed: \(error)", endpoint: url)
    }
}
