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
    private let httpClient: HTTPClient
    private let metadataTask = NIOLockedValueBox<Task<ServerMetadata, any Error>?>(nil)

    /// Creates the shared state of one issuer for one run.
    init(definition: IssuerDefinition, httpClient: HTTPClient) {
        self.definition = definition
        self.httpClient = httpClient
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

    /// The server metadata, resolved once per run and shared by every client:
    /// discovered (one request, retried with the issuer's backoff on network
    /// errors, 5xx and 429) or built from `token_endpoint`. A failure is kept
    /// too, so a broken issuer fails its clients at once instead of being
    /// asked again for each of them.
    func serverMetadata(settings: EffectiveSettings) async throws -> ServerMetadata {
        let task = metadataTask.withLockedValue { task -> Task<ServerMetadata, any Error> in
            if let task { return task }
            let created = Task { try await self.resolveMetadata(settings: settings) }
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

    private func resolveMetadata(settings: EffectiveSettings) async throws -> ServerMetadata {
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
        let backoff = Backoff(
            attempts: settings.retry.attempts, initialDelay: settings.retry.initialBackoff, maxDelay: settings.retry.maxBackoff)
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await fetchServerMetadata(issuer: issuer, options: options(for: settings), httpClient: httpClient, mode: mode)
            } catch let failure as any OAuthClientFailure where failure.isRetryable && attempt < backoff.attempts {
                try await Task.sleep(for: backoff.delay(afterAttempt: attempt, retryAfter: failure.retryAfter))
            }
        }
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
