import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOSSL
import OAuthClient

/// What every grant against one issuer shares during a run: its limits, its
/// trust roots and its metadata, discovered once however many clients start at once.
final class IssuerContext: Sendable {
    /// The issuer as the manifest defines it.
    let definition: IssuerDefinition
    /// `max_concurrency`, when set.
    let limiter: AsyncLimiter?
    /// `rate_limit`, when set.
    let rateLimiter: RateLimiter?
    private let trustRoots: [NIOSSLAdditionalTrustRoots]
    /// The client for this issuer's requests and the proxy it goes through,
    /// chosen once from the issuer's URL and its `proxy` setting; a malformed
    /// proxy URL in the environment fails every grant of the issuer.
    private let transport: Result<(client: HTTPClient, proxy: ProxyServer?), ClientFailure>
    /// Idle connections the token endpoint's own HTTP/1.1 pool keeps, for an issuer reached direct.
    private let directHTTP1Connections: Int?
    private let serverTask = NIOLockedValueBox<Task<ServerConfiguration, any Error>?>(nil)
    private let lookupFailed = NIOLockedValueBox(false)

    /// Whether resolving the server's configuration failed (a long-running
    /// process then makes a new context, so the next batch asks again).
    var serverLookupFailed: Bool { lookupFailed.withLockedValue { $0 } }

    /// The proxy this issuer's requests go through, nil for direct.
    var proxy: ProxyServer? { try? transport.get().proxy }

    /// Creates the shared state of one issuer for one run; `httpClients`
    /// gives the client for the proxy (or none) the issuer's URL and its
    /// `proxy` setting select. Every request of the issuer (discovery and
    /// token endpoint) takes that route.
    init(definition: IssuerDefinition, httpClients: HTTPClientSet) {
        self.definition = definition
        let url = definition.endpoint.requestURL
        self.transport = Result { () throws(ClientFailure) in
            do {
                let proxy = try httpClients.route(for: url, setting: definition.proxy)
                return (try httpClients.client(via: proxy), proxy)
            } catch {
                throw ClientFailure(.client(.invalidConfiguration), "issuer `\(definition.name)` cannot be reached: \(error)")
            }
        }
        self.directHTTP1Connections = httpClients.directHTTP1Connections
        self.limiter = definition.maxConcurrency.map { AsyncLimiter(limit: $0) }
        self.rateLimiter = definition.rateLimit.map { RateLimiter(count: $0.requests, per: $0.interval) }
        self.trustRoots = definition.caFile.map { [.file($0)] } ?? []
    }

    /// The OAuthClient options for a grant with `settings`.
    func options(for settings: EffectiveSettings) -> Configuration.Options {
        var options = Configuration.Options(
            timeout: settings.timeout,
            allowInsecureHTTP: definition.allowInsecureHTTP,
            additionalTrustRoots: trustRoots
        )
        options.proxy = proxy
        if proxy == nil { options.directHTTP1Connections = directHTTP1Connections }
        return options
    }

    /// The server's shared configuration, resolved once per run and shared by
    /// every client: its metadata discovered (one request, retried with the
    /// issuer's retry policy on network errors, 5xx and 429) or built from
    /// `token_endpoint`, its endpoints checked and its TLS configuration built
    /// once. A failure is kept too, so a broken issuer fails its clients at
    /// once instead of being asked again for each of them.
    func server(settings: EffectiveSettings) async throws -> ServerConfiguration {
        let task = serverTask.withLockedValue { task -> Task<ServerConfiguration, any Error> in
            if let task { return task }
            let created = Task {
                let options = self.options(for: settings)
                do {
                    let httpClient = try self.transport.get().client
                    let metadata = try await self.resolveMetadata(options: options, retry: settings.retry, httpClient: httpClient)
                    return ServerConfiguration(serverMetadata: metadata, options: options, httpClient: httpClient)
                } catch {
                    self.lookupFailed.withLockedValue { $0 = true }
                    throw error
                }
            }
            task = created
            return created
        }
        // Cancellation in a run is run-wide (signal or deadline): stop the shared lookup too.
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    private func resolveMetadata(options: Configuration.Options, retry: RetryPolicy, httpClient: HTTPClient) async throws
        -> ServerMetadata
    {
        switch definition.endpoint {
        case .tokenEndpoint(let endpoint, let issuer):
            return ServerMetadata(issuer: (issuer ?? endpoint).absoluteString, tokenEndpoint: endpoint)
        case .discovery(let issuer, let mode):
            var attempt = 0
            while true {
                attempt += 1
                do {
                    return try await fetchServerMetadata(issuer: issuer, options: options, httpClient: httpClient, mode: mode)
                } catch let failure as any OAuthClientFailure {
                    guard let delay = retry.retryDelay(after: failure, attempt: attempt) else { throw failure }
                    try await Task.sleep(for: delay)
                }
            }
        }
    }

    /// A configuration for one client of this issuer, with the client's own
    /// timeout and the authentication the manifest loader prepared.
    func configuration(for client: ClientDefinition, server: ServerConfiguration) -> Configuration {
        Configuration(
            server: server, clientID: client.clientID, clientAuthentication: client.authentication, timeout: client.settings.timeout)
    }
}
