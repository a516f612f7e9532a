public import AsyncHTTPClient
public import Foundation
import NIOConcurrencyHelpers

/// The HTTP clients of one process: one direct, and one per proxy in use,
/// made on first use with the same configuration (AsyncHTTPClient takes one
/// proxy per client) and shut down together by ``shutdown()``.
///
/// It also decides which proxy a URL goes through: ``route(for:setting:)``.
public final class HTTPClientSet: Sendable {
    /// The client for requests sent direct.
    public let direct: HTTPClient
    /// The proxy environment variables, read once.
    public let environment: ProxyEnvironment
    private let configuration: HTTPClient.Configuration?
    private let ownsDirect: Bool
    /// How many keep-alive HTTP/1.1 connections per token endpoint the
    /// library's own connection pool keeps for requests sent direct (see
    /// `Configuration.Options.directHTTP1Connections`); nil over a caller's client.
    package let directHTTP1Connections: Int?
    private let proxied = NIOLockedValueBox<(clients: [ProxyServer: HTTPClient], closed: Bool)>(([:], false))

    /// A set over an existing client, sending everything direct: the
    /// environment is not read, and a request that needs a proxy
    /// (`proxy:` on an issuer) fails with a clear error. `direct` stays the caller's to shut down.
    public init(direct: HTTPClient) {
        self.direct = direct
        self.environment = .none
        self.configuration = nil
        self.ownsDirect = false
        self.directHTTP1Connections = nil
    }

    /// A set whose clients all use `configuration`, with its proxy replaced per client.
    public init(configuration: HTTPClient.Configuration, environment: ProxyEnvironment) {
        var directConfiguration = configuration
        directConfiguration.proxy = nil
        self.direct = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: directConfiguration)
        self.environment = environment
        self.configuration = directConfiguration
        self.ownsDirect = true
        self.directHTTP1Connections = configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit
    }

    /// The proxy a request to `url` goes through under `setting`, nil for direct.
    public func route(for url: URL, setting: ProxySetting) throws(ProxyURLError) -> ProxyServer? {
        switch setting {
        case .direct: return nil
        case .server(let proxy): return proxy
        case .environment: return try environment.proxy(for: url)
        }
    }

    /// The client that sends through `proxy` (``direct`` for nil), made on first use.
    public func client(via proxy: ProxyServer?) throws(ProxyURLError) -> HTTPClient {
        guard let proxy else { return direct }
        guard let configuration else {
            throw ProxyURLError("\(proxy) cannot be used: this HTTP client set sends everything direct")
        }
        let made = proxied.withLockedValue { state -> HTTPClient? in
            if let existing = state.clients[proxy] { return existing }
            guard !state.closed else { return nil }
            var proxiedConfiguration = configuration
            proxiedConfiguration.proxy = proxy.clientProxy
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: proxiedConfiguration)
            state.clients[proxy] = client
            return client
        }
        // After shutdown: the direct client, already shut down too, reports that.
        return made ?? direct
    }

    /// Shuts down every client this set made (``direct`` too when the set made it).
    public func shutdown() async throws {
        let clients = proxied.withLockedValue { state in
            state.closed = true
            return Array(state.clients.values)
        }
        var firstError: (any Error)?
        for client in clients {
            do { try await client.shutdown() } catch { firstError = firstError ?? error }
        }
        if ownsDirect {
            do { try await direct.shutdown() } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }
}

extension OAuthHTTP {
    /// Runs `body` with a new ``HTTPClientSet`` (configuration as
    /// ``clientConfiguration(additionalTrustRoots:connectionsPerHost:)``,
    /// proxies from `environment`), always shut down afterwards, also on error or cancellation.
    public static func withHTTPClients<Result>(
        connectionsPerHost: Int = 8,
        environment: ProxyEnvironment = ProxyEnvironment(),
        _ body: (HTTPClientSet) async throws -> Result
    ) async throws -> Result {
        let clients = HTTPClientSet(
            configuration: clientConfiguration(connectionsPerHost: connectionsPerHost), environment: environment)
        let result: Result
        do {
            result = try await body(clients)
        } catch {
            try? await clients.shutdown()
            throw error
        }
        try await clients.shutdown()
        return result
    }
}
