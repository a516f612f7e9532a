package import struct Foundation.Date

/// What happened to one client in a run, for the summary, report and metrics.
///
/// Holds no token and no secret: failures carry the server's `error` code and
/// description or the transport problem, already free of credentials.
package struct ClientResult: Sendable, Hashable {
    /// The outcome kinds.
    package enum Status: String, Sendable, Hashable {
        /// A new token was obtained and written.
        case granted
        /// The cached token stays valid beyond `renew_before`; nothing was requested.
        case skipped
        /// The grant failed; previous outputs were kept.
        case failed
        /// Not attempted because the run was interrupted or hit its deadline.
        case cancelled
        /// `--dry-run`: the client would be granted.
        case planned
    }

    /// The client's manifest name.
    package var name: String
    /// The issuer's manifest name.
    package var issuer: String
    /// The OAuth client id.
    package var clientID: String
    /// The outcome.
    package var status: Status
    /// Why (skip reason, failure message, plan reason); never a secret.
    package var detail: String?
    /// A stable machine-readable failure code (`invalid_client`, `timeout`, …).
    package var errorCode: ClientFailure.Code?
    /// Token requests sent for this client (retries included).
    package var attempts: Int
    /// Wall time spent on this client, in seconds.
    package var duration: Double
    /// When the client's current token expires, if known (new or kept).
    package var expiresAt: Date?
    /// When the client last got a token successfully, if ever.
    package var lastSuccess: Date?
    /// The server's `Retry-After` on the last failed attempt, if it sent one.
    package var retryAfter: Duration?

    /// Creates a result.
    package init(
        name: String, issuer: String, clientID: String, status: Status, detail: String? = nil, errorCode: ClientFailure.Code? = nil,
        attempts: Int = 0, duration: Double = 0, expiresAt: Date? = nil, lastSuccess: Date? = nil
    ) {
        self.name = name
        self.issuer = issuer
        self.clientID = clientID
        self.status = status
        self.detail = detail
        self.errorCode = errorCode
        self.attempts = attempts
        self.duration = duration
        self.expiresAt = expiresAt
        self.lastSuccess = lastSuccess
    }
}
