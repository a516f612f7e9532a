package import struct Foundation.Date
package import OAuthClient

/// A token obtained for one client, as the outputs and the cache need it.
///
/// `description` never shows the access token.
package struct IssuedToken: Sendable, Hashable, CustomStringConvertible {
    /// The client's manifest name (`billing`), used in file names and env keys.
    package var clientName: String
    /// The issuer identifier (or token endpoint when no discovery was used).
    package var issuer: String
    /// The OAuth client id.
    package var clientID: String
    /// The access token. Never log it.
    package var accessToken: String
    /// `Bearer` or `DPoP`, as the server said it (case kept for readers).
    package var tokenType: String
    /// Seconds the token was valid for when issued, if the server said.
    package var expiresIn: Int?
    /// When the token expires, if known.
    package var expiresAt: Date?
    /// The granted scope, if the server said.
    package var scope: String?
    /// When the token was received.
    package var issuedAt: Date

    /// Creates a token record.
    package init(
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
    package var description: String {
        "IssuedToken(client: \(clientName), issuer: \(issuer), type: \(tokenType), expiresAt: \(expiresAt.map { "\($0)" } ?? "unknown"))"
    }
}

extension IssuedToken {
    /// The token of a token endpoint `response`, with `Bearer` / `DPoP` spelt
    /// as RFC 6750 and RFC 9449 write them in `Authorization` headers.
    package init(response: TokenEndpointResponse, clientName: String, issuer: String, clientID: String) {
        let tokenType: String =
            switch response.tokenType {
            case "bearer": "Bearer"
            case "dpop": "DPoP"
            default: response.tokenType
            }
        self.init(
            clientName: clientName, issuer: issuer, clientID: clientID, accessToken: response.accessToken, tokenType: tokenType,
            expiresIn: response.expiresIn, expiresAt: response.expiresAt, scope: response.scope, issuedAt: response.receivedAt)
    }
}
