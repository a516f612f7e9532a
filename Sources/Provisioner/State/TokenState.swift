package import Foundation

/// The token cache kept between runs: each client's last good token, when it
/// expires, and the fingerprint of the definition it was obtained with.
///
/// It lets a cron-driven run skip clients whose token is still valid, and keep
/// serving a client's last good token when a later grant fails. The file holds
/// tokens, so it is written atomically with mode 0600 like every output.
package struct TokenState: Sendable, Equatable {
    /// One client's cached token: the issued token itself, and what the cache
    /// needs to know about it.
    package struct Entry: Sendable, Equatable, CustomStringConvertible {
        /// The token as it was issued (its `clientName` is the entry's key).
        package var token: IssuedToken
        /// The client definition's fingerprint when the token was obtained.
        package var fingerprint: String
        /// A digest of the client's output definitions when its outputs were
        /// last written; a skipped client's outputs are re-rendered only when it
        /// changed or a file is missing.
        package var outputsDigest: String?
        /// A digest of what the file system said about the client's output
        /// files (see ``OutputFileStamp``) right after they were last written
        /// or compared; nil in state files of earlier versions. A skipped
        /// client whose files no longer match it has them compared with the
        /// cached token's rendering and restored.
        package var outputsStamp: String?

        /// An entry for `token`.
        package init(token: IssuedToken, fingerprint: String, outputsDigest: String? = nil, outputsStamp: String? = nil) {
            self.token = token
            self.fingerprint = fingerprint
            self.outputsDigest = outputsDigest
            self.outputsStamp = outputsStamp
        }

        /// When the token expires, if known.
        package var expiresAt: Date? { token.expiresAt }
        /// When the token was obtained.
        package var issuedAt: Date { token.issuedAt }

        /// A description without the token.
        package var description: String {
            "TokenState.Entry(issuer: \(token.issuer), expiresAt: \(expiresAt.map { "\($0)" } ?? "unknown"))"
        }

        /// Whether the token is still valid at `now`; a token without an expiry
        /// counts as valid until it is replaced.
        package func isValid(at now: Date) -> Bool {
            expiresAt.map { $0 > now } ?? true
        }
    }

    /// The file format's version.
    package var version: Int
    /// Entries by client name.
    package var clients: [String: Entry]

    /// An empty state.
    package init(clients: [String: Entry] = [:]) {
        self.version = 1
        self.clients = clients
    }
}

/// A token state file that cannot be used.
package struct StateFileError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    package var message: String
    /// The message.
    package var description: String { message }
}
