package import OAuthClient

/// Why one client has no new token: a stable code for reports and metrics,
/// and a sentence naming the client's issuer and what to do.
///
/// Like ``OAuthClientError`` it wraps its code in a struct with static
/// members, so codes can be added without breaking callers; compare with
/// `failure.code == .cancelled`. Never holds a secret or a token.
package struct ClientFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable code; its `description` is what reports and metrics show.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case cancelled, discovery, dpopKey, output, grantFailed
            /// The server's RFC 6749 `error` value (`invalid_client`, …).
            case oauth(String)
            /// A failure of OAuthClient that is not an OAuth error answer.
            case client(OAuthClientError.Code)
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The run was stopped (signal or deadline) before this client finished.
        package static let cancelled = Code(.cancelled)
        /// The issuer's metadata could not be discovered.
        package static let discovery = Code(.discovery)
        /// The client's DPoP key cannot be used.
        package static let dpopKey = Code(.dpopKey)
        /// The token was granted but the client's outputs could not be written.
        package static let output = Code(.output)
        /// A grant failure of no known kind.
        package static let grantFailed = Code(.grantFailed)

        /// The server answered with the OAuth error `error` (RFC 6749 §5.2).
        package static func oauth(_ error: String) -> Code { Code(.oauth(error)) }

        /// The code of an OAuthClient failure (transport, TLS, response checks).
        package static func client(_ code: OAuthClientError.Code) -> Code { Code(.client(code)) }

        /// `cancelled`, `discovery`, `dpop_key`, `output`, `grant_failed`, the
        /// server's `error`, or OAuthClient's code name (`timeout`, …).
        package var description: String {
            switch base {
            case .cancelled: "cancelled"
            case .discovery: "discovery"
            case .dpopKey: "dpop_key"
            case .output: "output"
            case .grantFailed: "grant_failed"
            case .oauth(let error): error
            case .client(let code): code.description
            }
        }
    }

    /// The stable code.
    package let code: Code
    /// A sentence a person can act on; never a secret or a token.
    package let message: String
    /// The server's `Retry-After`, when its last answer had one (a long-running
    /// process waits at least this long before asking again).
    package let retryAfter: Duration?

    /// Creates a failure.
    package init(_ code: Code, _ message: String, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The message.
    package var description: String { message }
}

extension ClientFailure.Code {
    /// The code of a grant's failure: the server's OAuth `error`, or OAuthClient's own code.
    static func of(_ failure: any OAuthClientFailure) -> Self {
        switch failure {
        case let error as ResponseBodyError: .oauth(error.error)
        case let error as OAuthClientError: error.code == .cancelled ? .cancelled : .client(error.code)
        case let error as WWWAuthenticateChallengeError:
            // RFC 6749 §5.2: a 401 with a challenge is how servers say invalid_client.
            .oauth(error.oauthError ?? (error.status == 401 ? "invalid_client" : "www_authenticate_challenge"))
        default: .grantFailed
        }
    }
}
