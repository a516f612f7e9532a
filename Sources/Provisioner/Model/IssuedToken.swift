package import struct Foundation.Date
package import OAuthClient

/// A token obtained for one client, as the outputs and the cache need it.
///
/// `description` never shows the access token. The fields live in one
/// shared immutable box, so a copy (a run of 100,000 clients holds each token in
/// its results, its outputs and its aggregates) is one reference, not six
/// strings and three dates.
package struct IssuedToken: Sendable, Hashable, CustomStringConvertible {
    private struct Fields: Sendable, Hashable {
        var clientName: String
        var issuer: String
        var clientID: String
        var accessToken: String
        var tokenType: String
        var expiresIn: Int?
        var expiresAt: Date?
        var scope: String?
        var issuedAt: Date
    }

    private var storage: CopyOnWriteBox<Fields>

    /// The client's manifest name (`billing`), used in file names and env keys.
    package var clientName: String {
        get { storage.fields.clientName }
        set { storage = storage.changed { $0.clientName = newValue } }
    }
    /// The issuer identifier (or token endpoint when no discovery was used).
    package var issuer: String {
        get { storage.fields.issuer }
        set { storage = storage.changed { $0.issuer = newValue } }
    }
    /// The OAuth client id.
    package var clientID: String {
        get { storage.fields.clientID }
        set { storage = storage.changed { $0.clientID = newValue } }
    }
    /// The access token. Never log it.
    package var accessToken: String {
        get { storage.fields.accessToken }
        set { storage = storage.changed { $0.accessToken = newValue } }
    }
    /// `Bearer` or `DPoP`, as the server said it (case kept for readers).
    package var tokenType: String {
        get { storage.fields.tokenType }
        set { storage = storage.changed { $0.tokenType = newValue } }
    }
    /// Seconds the token was valid for when issued, if the server said.
    package var expiresIn: Int? {
        get { storage.fields.expiresIn }
        set { storage = storage.changed { $0.expiresIn = newValue } }
    }
    /// When the token expires, if known.
    package var expiresAt: Date? {
        get { storage.fields.expiresAt }
        set { storage = storage.changed { $0.expiresAt = newValue } }
    }
    /// The granted scope, if the server said.
    package var scope: String? {
        get { storage.fields.scope }
        set { storage = storage.changed { $0.scope = newValue } }
    }
    /// When the token was received.
    package var issuedAt: Date {
        get { storage.fields.issuedAt }
        set { storage = storage.changed { $0.issuedAt = newValue } }
    }

    /// Creates a token record.
    package init(
        clientName: String, issuer: String, clientID: String, accessToken: String, tokenType: String,
        expiresIn: Int?, expiresAt: Date?, scope: String?, issuedAt: Date
    ) {
        storage = CopyOnWriteBox(
            Fields(
                clientName: clientName, issuer: issuer, clientID: clientID, accessToken: accessToken, tokenType: tokenType,
                expiresIn: expiresIn, expiresAt: expiresAt, scope: scope, issuedAt: issuedAt))
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
