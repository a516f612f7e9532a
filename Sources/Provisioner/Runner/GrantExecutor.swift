import Foundation
import OAuthClient

/// The result of one client's grant, retries included.
enum GrantOutcome: Sendable {
    case success(IssuedToken, attempts: Int, warnings: [String])
    case failure(ClientFailure, attempts: Int)
    /// A retry is due after `after`: the caller waits without holding a
    /// concurrency slot, then calls again with `firstAttempt: attempts + 1`.
    case retryLater(after: Duration, attempts: Int)
}

/// Runs one client's grant: waits for the issuer's limits, sends the request,
/// and turns every failure into a ``ClientFailure`` that names the client's
/// issuer and holds no secret. A retryable failure (network errors, 5xx, 429)
/// with attempts left comes back as ``GrantOutcome/retryLater(after:attempts:)``
/// with the wait the client's ``RetryPolicy`` gives, so the runner can free the
/// client's slot while it waits.
enum GrantExecutor {
    /// `firstAttempt` continues a grant that returned ``GrantOutcome/retryLater(after:attempts:)``.
    static func grant(_ client: ClientDefinition, issuer: IssuerContext, dpop: DPoPHandle?, firstAttempt: Int = 1) async -> GrantOutcome {
        let configuration: Configuration
        do {
            let server = try await issuer.server(settings: client.settings)
            configuration = issuer.configuration(for: client, server: server)
        } catch is CancellationError {
            return .failure(ClientFailure(.cancelled, "the run was stopped before this grant started"), attempts: 0)
        } catch let error as ClientFailure {
            return .failure(error, attempts: 0)
        } catch {
            return .failure(
                ClientFailure(.discovery, "discovery of issuer `\(issuer.definition.name)` failed: \(error)"), attempts: 0)
        }
        let attempt = firstAttempt
        do {
            try Task.checkCancellation()
            let response = try await withIssuerSlot(issuer) {
                try await clientCredentialsGrant(configuration, parameters: client.tokenRequestParameters, dpop: dpop)
            }
            let token = IssuedToken(
                response: response, clientName: client.name, issuer: configuration.serverMetadata.issuer, clientID: client.clientID)
            return .success(token, attempts: attempt, warnings: response.warnings)
        } catch let failure as any OAuthClientFailure {
            if !Task.isCancelled, let delay = client.settings.retry.retryDelay(after: failure, attempt: attempt) {
                return .retryLater(after: delay, attempts: attempt)
            }
            let suffix = failure.isRetryable && attempt > 1 ? " (gave up after \(attempt) attempts)" : ""
            // Through a proxy, a transport failure may be the proxy's: say whose issuer it was.
            let prefix = issuer.proxy != nil && failure.statusCode == nil ? "issuer `\(issuer.definition.name)`: " : ""
            return .failure(
                ClientFailure(.of(failure), prefix + failure.description + suffix, retryAfter: failure.retryAfter), attempts: attempt)
        } catch is CancellationError {
            return .failure(ClientFailure(.cancelled, "the run was stopped before this grant finished"), attempts: attempt - 1)
        } catch {
            return .failure(ClientFailure(.grantFailed, String(describing: error)), attempts: attempt)
        }
    }

    /// Holds the issuer's concurrency slot and rate-limit turn around one request.
    private static func withIssuerSlot<T: Sendable>(_ issuer: IssuerContext, _ body: () async throws -> T) async throws -> T {
        if let limiter = issuer.limiter {
            try await limiter.acquire()
            defer { limiter.release() }
            try await issuer.rateLimiter?.waitForTurn()
            return try await body()
        }
        try await issuer.rateLimiter?.waitForTurn()
        return try await body()
    }
}
