package import struct Foundation.Date

/// What happened to one client in a run, for the summary, report and metrics.
///
/// Holds no token and no secret: failures carry the server's `error` code and
/// description or the transport problem, already free of credentials. The
/// fields live in one shared immutable box: a run keeps a result per client in
/// its table and its summary, and a copy is one reference.
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

    private struct Fields: Sendable, Hashable {
        var name: String
        var issuer: String
        var clientID: String
        var status: Status
        var detail: String?
        var errorCode: ClientFailure.Code?
        var attempts: Int
        var duration: Double
        var expiresAt: Date?
        var lastSuccess: Date?
        var retryAfter: Duration?
    }

    private var storage: CopyOnWriteBox<Fields>

    /// The client's manifest name.
    package var name: String {
        get { storage.fields.name }
        set { storage = storage.changed { $0.name = newValue } }
    }
    /// The issuer's manifest name.
    package var issuer: String {
        get { storage.fields.issuer }
        set { storage = storage.changed { $0.issuer = newValue } }
    }
    /// The OAuth client id.
    package var clientID: String {
        get { storage.fields.clientID }
        set { storage = storage.changed { $0.clientID = newValue } }
    }
    /// The outcome.
    package var status: Status {
        get { storage.fields.status }
        set { storage = storage.changed { $0.status = newValue } }
    }
    /// Why (skip reason, failure message, plan reason); never a secret.
    package var detail: String? {
        get { storage.fields.detail }
        set { storage = storage.changed { $0.detail = newValue } }
    }
    /// A stable machine-readable failure code (`invalid_client`, `timeout`, …).
    package var errorCode: ClientFailure.Code? {
        get { storage.fields.errorCode }
        set { storage = storage.changed { $0.errorCode = newValue } }
    }
    /// Token requests sent for this client (retries included).
    package var attempts: Int {
        get { storage.fields.attempts }
        set { storage = storage.changed { $0.attempts = newValue } }
    }
    /// Wall time spent on this client, in seconds.
    package var duration: Double {
        get { storage.fields.duration }
        set { storage = storage.changed { $0.duration = newValue } }
    }
    /// When the client's current token expires, if known (new or kept).
    package var expiresAt: Date? {
        get { storage.fields.expiresAt }
        set { storage = storage.changed { $0.expiresAt = newValue } }
    }
    /// When the client last got a token successfully, if ever.
    package var lastSuccess: Date? {
        get { storage.fields.lastSuccess }
        set { storage = storage.changed { $0.lastSuccess = newValue } }
    }
    /// The server's `Retry-After` on the last failed attempt, if it sent one.
    package var retryAfter: Duration? {
        get { storage.fields.retryAfter }
        set { storage = storage.changed { $0.retryAfter = newValue } }
    }

    /// Creates a result.
    package init(
        name: String, issuer: String, clientID: String, status: Status, detail: String? = nil, errorCode: ClientFailure.Code? = nil,
        attempts: Int = 0, duration: Double = 0, expiresAt: Date? = nil, lastSuccess: Date? = nil
    ) {
        storage = CopyOnWriteBox(
            Fields(
                name: name, issuer: issuer, clientID: clientID, status: status, detail: detail, errorCode: errorCode, attempts: attempts,
                duration: duration, expiresAt: expiresAt, lastSuccess: lastSuccess, retryAfter: nil))
    }
}
