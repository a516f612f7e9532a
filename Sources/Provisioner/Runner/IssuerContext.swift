public import AsyncHTTPClient
import Foundation
import NIOSSL
public import OAuthClient

/// What every grant against one issuer shares during a run: its limits, its
/// trust roots and its metadata, discovered once however many clients start at once.
public final class IssuerContext: Sendable {
    /// The issuer as the manifest defines it.
    public let definition: IssuerDefinition
    /// `max_concurrency`, when set.
    let limiter: AsyncLimiter?
    /// `rate_limit`, when set.
    let rateLimiter: RateLimiter?
    private let trustRoots: [NIOSSLAdditionalTrustRoots]
    private let discovery: DiscoveryCache
    private let httpClient: HTTPClient

    /// Creates the shared state of one issuer for one run.
    public init(definition: IssuerDefinition, httpClient: HTTPClient, discovery: DiscoveryCache) {
        self.definition = definition
        self.httpClient = httpClient
        self.discovery = discovery
        self.limiter = definition.maxConcurrency.map { AsyncLimiter(limit: $0) }
        self.rateLimiter = definition.rateLimit.map { RateLimiter(count: $0.requests, per: $0.interval) }
        self.trustRoots = definition.caFile.map { [.file($0)] } ?? []
    }

    /// The OAuthClient options for a grant with `settings`.
    func options(for settings: EffectiveSettings) -> Configuration.Options {
        Configuration.Options(
            timeout: settings.timeout,
            allowInsecureHTTP: definition.allowInsecureHTTP,
            additionalTrustRoots: trustRoots
        )
    }

    /// The server metadata: discovered (one request per issuer per run, shared
    /// by concurrent callers) or built from `token_endpoint`.
    func serverMetadata(settings: EffectiveSettings) async throws -> ServerMetadata {
        let mode: OAuthClient.DiscoveryMode
        switch definition.discovery {
        case .none:
            guard let endpoint = definition.tokenEndpoint.flatMap(URL.init(string:)) else {
                throw GrantSetupError(message: "issuer `\(definition.name)` has no usable token_endpoint; run `tokensmith validate` for details")
            }
            return ServerMetadata(issuer: definition.issuer ?? endpoint.absoluteString, tokenEndpoint: endpoint)
        case .auto: mode = .auto
        case .oidc: mode = .oidc
        case .oauth2: mode = .oauth2
        }
        guard let issuer = definition.issuer.flatMap(URL.init(string:)) else {
            throw GrantSetupError(message: "issuer `\(definition.name)` has no usable issuer URL for discovery; run `tokensmith validate` for details")
        }
        return try await discovery.metadata(issuer: issuer, options: options(for: settings), httpClient: httpClient, mode: mode)
    }

    /// A configuration for one client of this issuer.
    func configuration(for client: ClientDefinition, metadata: ServerMetadata) throws -> Configuration {
        guard let authentication = client.auth.clientAuthentication() else {
            throw GrantSetupError(message: "client `\(client.name)` has no usable credentials for \(client.auth.method.rawValue); run `tokensmith validate` for details")
        }
        return Configuration(
            serverMetadata: metadata, clientID: client.clientID, clientAuthentication: authentication,
            options: options(for: client.settings), httpClient: httpClient
        )
    }
}

/// A client that cannot be set up for a grant (should have been caught by validation).
struct GrantSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
