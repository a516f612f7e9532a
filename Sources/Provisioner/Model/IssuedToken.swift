public import struct Foundation.Date

/// A token obtained for one client, as the outputs and the cache need it.
///
/// `description` never shows the access token.
public struct IssuedToken: Sendable, Hashable, CustomStringConvertible {
    /// The client's manifest name (`billing`), used in file names and env keys.
    public var clientName: String
    /// The issuer identifier (or token endpoint when no discovery was used).
    public var issuer: String
    /// The OAuth client id.
    public var clientID: String
    /// The access token. Never log it.
    public var accessToken: String
    /// `Bearer` or `DPoP`, as the server said it (case kept for readers).
    public var tokenType: String
    /// Seconds the token was valid for when issued, if the server said.
    public var expiresIn: Int?
    /// When the token expires, if known.
    public var expiresAt: Date?
    /// The granted scope, if the server said.
    public var scope: String?
    /// When the token was received.
    public var issuedAt: Date

    /// Creates a token record.
    public init(
        clientName: String, issuer: String, clientID: String, accessToken: String, tokenType: String,
        expiresIn: Int?, expiresAt: Date?, scope: String?, issuedAt: Date
    ) {
        self.clientName = clientName
        self.issuer = issuer
        self.clientID = clientID
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.expiresAt = expiresAt
        self.scope = scope
        self.issuedAt = issuedAt
    }

    /// A description without the access token.
    public var description: String {
        "IssuedToken(client: \(clientName), issuer: \(issuer), type: \(tokenType), expiresAt: \(expiresAt.map { "\($0)" } ?? "unknown"))"
    }
}
