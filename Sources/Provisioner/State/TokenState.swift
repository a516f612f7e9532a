public import Foundation

/// The token cache kept between runs: each client's last good token, when it
/// expires, and the fingerprint of the definition it was obtained with.
///
/// It lets a cron-driven run skip clients whose token is still valid, and keep
/// serving a client's last good token when a later grant fails. The file holds
/// tokens, so it is written atomically with mode 0600 like every output.
public struct TokenState: Sendable, Equatable {
    /// One client's cached token: the issued token itself, and what the cache
    /// needs to know about it.
    public struct Entry: Sendable, Equatable, CustomStringConvertible {
        /// The token as it was issued (its `clientName` is the entry's key).
        public var token: IssuedToken
        /// The client definition's fingerprint when the token was obtained.
        public var fingerprint: String
        /// A digest of the client's output definitions when its outputs were
        /// last written; a skipped client's outputs are re-rendered only when it
        /// changed or a file is missing.
        public var outputsDigest: String?
        /// A digest of what the file system said about the client's output
        /// files (see ``OutputFileStamp``) right after they were last written
        /// or compared; nil in state files of earlier versions. A skipped
        /// client whose files no longer match it has them compared with the
        /// cached token's rendering and restored.
        public var outputsStamp: String?

        /// An entry for `token`.
        public init(token: IssuedToken, fingerprint: String, outputsDigest: String? = nil, outputsStamp: String? = nil) {
            self.token = token
            self.fingerprint = fingerprint
            self.outputsDigest = outputsDigest
            self.outputsStamp = outputsStamp
        }

        /// When the token expires, if known.
        public var expiresAt: Date? { token.expiresAt }
        /// When the token was obtained.
        public var issuedAt: Date { token.issuedAt }

        /// A description without the token.
        public var description: String {
            "TokenState.Entry(issuer: \(token.issuer), expiresAt: \(expiresAt.map { "\($0)" } ?? "unknown"))"
        }

        /// Whether the token is still valid at `now`; a token without an expiry
        /// counts as valid until it is replaced.
        public func isValid(at now: Date) -> Bool {
            expiresAt.map { $0 > now } ?? true
        }
    }

    /// The file format's version.
    public var version: Int
    /// Entries by client name.
    public var clients: [String: Entry]

    /// An empty state.
    public init(clients: [String: Entry] = [:]) {
        self.version = 1
        self.clients = clients
    }
}

/// A token state file that cannot be used.
public struct StateFileError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String
    /// The message.
    public var description: String { message }
}
