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
    public static func clientConfiguration(additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = []) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.additionalTrustRoots = additionalTrustRoots
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10)),
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// A process-wide client with `clientConfiguration()`; it is never shut down.
    public static let shared = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration()
    )

    /// A new client with `clientConfiguration(additionalTrustRoots:)`; call `shutdown()` on it when done.
    public static func makeHTTPClient(additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = []) -> HTTPClient {
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration(additionalTrustRoots: additionalTrustRoots))
    }

    /// Runs `body` with a new client that is always shut down afterwards, also on error or cancellation.
    public static func withHTTPClient<Result>(
        additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = [],
        _ body: (HTTPClient) async throws -> Result
    ) async throws -> Result {
        try await HTTPClient.withHTTPClient(configuration: clientConfiguration(additionalTrustRoots: additionalTrustRoots), body)
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

    var isJSONContentType: Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
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
        role: String
    ) async throws(OAuthClientError) -> HTTPAnswer {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(body) }
        if endpoint.origin.hasPrefix("https:") { request.tlsConfiguration = tlsConfiguration }
        let deadline = NIODeadline.now() + timeout
        let prepared = request
        do {
            // AsyncHTTPClient's deadline covers the answer's head only; a body
            // that trickles in forever must still end at the timeout, so the
            // whole exchange races a timer.
            return try await withThrowingTaskGroup(of: HTTPAnswer?.self) { group in
                group.addTask {
                    try await exchange(
                        client: client, request: prepared, deadline: deadline, endpoint: endpoint,
                        maximumBodySize: maximumBodySize, role: role)
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(max(0, timeout.nanoseconds)))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let answer = first else {
                    throw HTTPClientError.deadlineExceeded
                }
                return answer
            }
        } catch let error as OAuthClientError {
            throw error
        } catch {
            throw translate(error, endpoint: endpoint, role: role, timeout: timeout)
        }
    }

    /// One request: the head within AsyncHTTPClient's deadline, then the body up to the cap.
    private static func exchange(
        client: HTTPClient, request: HTTPClientRequest, deadline: NIODeadline, endpoint: Endpoint,
        maximumBodySize: Int, role: String
    ) async throws -> HTTPAnswer {
        let response = try await client.execute(request, deadline: deadline)
        let status = Int(response.status.code)
        guard response.history.count <= 1 else {
            throw OAuthClientError(.redirectNotFollowed, "the \(role) \(endpoint.url) redirected and the HTTP client followed it; use an HTTPClient made by OAuthHTTP, which never follows redirects", endpoint: endpoint.url)
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maximumBodySize {
            throw tooLarge(endpoint: endpoint, role: role, limit: maximumBodySize, status: status)
        }
        var collected = ByteBuffer()
        for try await chunk in response.body {
            guard collected.readableBytes + chunk.readableBytes <= maximumBodySize else {
                throw tooLarge(endpoint: endpoint, role: role, limit: maximumBodySize, status: status)
            }
            if collected.readableBytes == 0 {
                collected = chunk
            } else {
                var chunk = chunk
                collected.writeBuffer(&chunk)
            }
        }
        return HTTPAnswer(status: status, headers: response.headers, body: collected, receivedAt: Date())
    }

    private static func tooLarge(endpoint: Endpoint, role: String, limit: Int, status: Int) -> OAuthClientError {
        OAuthClientError(.responseTooLarge, "the \(role) \(endpoint.url) answered with a body larger than \(limit) bytes, which is refused; raise the response size limit only if this server is trusted", endpoint: endpoint.url, statusCode: status)
    }

    /// Maps transport errors to codes; never includes request content.
    static func translate(_ error: any Error, endpoint: Endpoint, role: String, timeout: TimeAmount) -> OAuthClientError {
        let url = endpoint.url
        let seconds = Double(timeout.nanoseconds) / 1e9
        if error is CancellationError {
            return OAuthClientError(.cancelled, "the request to the \(role) \(url) was cancelled", endpoint: url)
        }
        if let httpError = error as? HTTPClientError {
            switch httpError {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return OAuthClientError(.timeout, "the \(role) \(url) did not answer within \(seconds.formatted()) s; check that the server is up, or raise the timeout", endpoint: url)
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
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return OAuthClientError(.tlsFailure, "the TLS handshake with the \(role) \(url) failed (\(error)); check the server certificate, the trusted CA files and the client certificate", endpoint: url)
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("NIOConnectionError") || error is IOError || typeName.contains("SocketAddressError") {
            return OAuthClientError(.connectionFailed, "could not connect to the \(role) \(url) (\(connectionReason(error))); check the URL and that the server is running", endpoint: url)
        }
        return OAuthClientError(.transportFailure, "the request to the \(role) \(url) failed: \(error)", endpoint: url)
    }

    private static func connectionReason(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") { return "connection refused" }
        return LogSafe.truncate(text, limit: 200)
    }
}
