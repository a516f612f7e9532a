import Foundation
import OAuthClient

/// The result of one client's grant, retries included.
enum GrantOutcome: Sendable {
    case success(IssuedToken, attempts: Int, warnings: [String])
    case failure(code: String, message: String, attempts: Int)
    /// A retry is due after `after`: the caller waits without holding a
    /// concurrency slot, then calls again with `firstAttempt: attempts + 1`.
    case retryLater(after: Duration, attempts: Int)
}

/// Runs one client's grant: waits for the issuer's limits, retries network
/// errors, 5xx and 429 with backoff (honouring `Retry-After`), and turns every
/// failure into a message that names the client and issuer and holds no secret.
enum GrantExecutor {
    /// Called before each request, so tests and progress can count attempts.
    typealias AttemptHook = @Sendable (_ attempt: Int) -> Void

    /// `firstAttempt` continues a grant that returned ``GrantOutcome/retryLater(after:attempts:)``;
    /// with `waitsInPlace` false, a due retry is returned that way instead of
    /// being slept here.
    static func grant(
        _ client: ClientDefinition, issuer: IssuerContext, dpop: DPoPHandle?, firstAttempt: Int = 1, waitsInPlace: Bool = true,
        onAttempt: AttemptHook? = nil
    ) async -> GrantOutcome {
        let backoff = Backoff(
            attempts: client.settings.retry.attempts,
            initialDelay: client.settings.retry.initialBackoff,
            maxDelay: client.settings.retry.maxBackoff
        )
        let metadata: ServerMetadata
        let configuration: Configuration
        do {
            metadata = try await issuer.serverMetadata(settings: client.settings)
            configuration = try issuer.configuration(for: client, metadata: metadata)
        } catch is CancellationError {
            return .failure(code: "cancelled", message: "the run was stopped before this grant started", attempts: 0)
        } catch let error as GrantSetupError {
            return .failure(code: "setup", message: error.message, attempts: 0)
        } catch {
            return .failure(
                code: "discovery", message: "discovery of issuer `\(issuer.definition.name)` failed: \(error)", attempts: 0)
        }
        var attempt = firstAttempt - 1
        while true {
            attempt += 1
            do {
                try Task.checkCancellation()
                let response = try await withIssuerSlot(issuer) {
                    onAttempt?(attempt)
                    return try await clientCredentialsGrant(configuration, parameters: client.tokenRequestParameters, dpop: dpop)
                }
                let token = IssuedToken(
                    clientName: client.name, issuer: metadata.issuer, clientID: client.clientID,
                    accessToken: response.accessToken, tokenType: displayTokenType(response.tokenType),
                    expiresIn: response.expiresIn, expiresAt: response.expiresAt, scope: response.scope,
                    issuedAt: response.receivedAt
                )
                return .success(token, attempts: attempt, warnings: response.warnings)
            } catch let failure as any OAuthClientFailure {
                if failure.isRetryable, attempt < backoff.attempts, !Task.isCancelled {
                    let delay = backoff.delay(afterAttempt: attempt, retryAfter: failure.retryAfter)
                    if !waitsInPlace { return .retryLater(after: delay, attempts: attempt) }
                    do {
                        try await Task.sleep(for: delay)
                        continue
                    } catch {
                        return .failure(code: "cancelled", message: "the run was stopped while waiting to retry", attempts: attempt)
                    }
                }
                let suffix = failure.isRetryable && attempt > 1 ? " (gave up after \(attempt) attempts)" : ""
                return .failure(code: code(of: failure), message: failure.description + suffix, attempts: attempt)
            } catch is CancellationError {
                return .failure(code: "cancelled", message: "the run was stopped before this grant finished", attempts: attempt - 1)
            } catch {
                return .failure(code: "grant_failed", message: String(describing: error), attempts: attempt)
            }
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

    /// A stable code for reports and metrics: the OAuth `error`, or the client's error code.
    static func code(of failure: any OAuthClientFailure) -> String {
        switch failure {
        case let error as ResponseBodyError: error.error
        case let error as OAuthClientError: error.code.description
        case let error as WWWAuthenticateChallengeError:
            // RFC 6749 §5.2: a 401 with a challenge is how servers say invalid_client.
            error.oauthError ?? (error.status == 401 ? "invalid_client" : "www_authenticate_challenge")
        default: "grant_failed"
        }
    }

    /// `Bearer` / `DPoP` as RFC 6750 and RFC 9449 spell them for `Authorization` headers.
    static func displayTokenType(_ lowercased: String) -> String {
        switch lowercased {
        case "bearer": "Bearer"
        case "dpop": "DPoP"
        default: lowercased
        }
    }
}
