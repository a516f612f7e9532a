public import Foundation

/// A successful token endpoint answer (RFC 6749 §5.1), checked member by member.
///
/// Its description never shows the access, refresh or ID token.
public struct TokenEndpointResponse: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The access token. Never log it.
    public let accessToken: String
    /// The token type, lower-cased: `bearer` or `dpop`.
    public let tokenType: String
    /// Lifetime in seconds as the server gave it; nil when it gave none.
    public let expiresIn: Int?
    /// The granted scope, when the server says it.
    public let scope: String?
    /// A refresh token, when the server issued one (unusual for client credentials).
    public let refreshToken: String?
    /// An ID token, when present. It is **not validated** here; do not trust its claims.
    public let idToken: String?
    /// Every other member of the answer.
    public let additionalMembers: [String: JSONValue]
    /// When the answer arrived (local clock); `expiresIn` counts from here.
    public let receivedAt: Date
    /// Things worth telling a person that did not make the grant fail (e.g. DPoP not honoured).
    public internal(set) var warnings: [String]

    /// Whether the token is DPoP-bound and needs the DPoP key to be used.
    public var isDPoPBound: Bool { tokenType == "dpop" }

    /// When the token expires; nil when the server gave no lifetime.
    public var expiresAt: Date? {
        expiresIn.map { receivedAt.addingTimeInterval(TimeInterval($0)) }
    }

    /// Seconds left at `now`: 0 once expired, nil when the server gave no lifetime.
    public func expiresIn(now: Date = Date()) -> Int? {
        guard let expiresAt else { return nil }
        return max(0, Int(expiresAt.timeIntervalSince(now).rounded(.down)))
    }

    /// Checks a 200 answer's JSON object: RFC 6749 §5.1 members, `token_type`
    /// Bearer (RFC 6750 §4) or DPoP (RFC 9449 §5).
    ///
    /// - Parameter endpoint: named in errors.
    public init(
        json members: [String: JSONValue], receivedAt: Date = Date(), endpoint: String = "the token endpoint", warnings: [String] = []
    ) throws(OAuthClientError) {
        func invalid(_ what: String) -> OAuthClientError {
            OAuthClientError(
                .invalidResponse, "the token endpoint \(endpoint) answered with an invalid token response: \(what)", endpoint: endpoint,
                statusCode: 200)
        }
        guard let accessTokenValue = members["access_token"] else { throw invalid("`access_token` is missing") }
        guard case .string(let accessToken) = accessTokenValue, !accessToken.isEmpty else {
            throw invalid(
                "`access_token` must be a non-empty string, got \(accessTokenValue.typeName == "string" ? "an empty string" : "a \(accessTokenValue.typeName)")"
            )
        }
        guard let tokenTypeValue = members["token_type"] else { throw invalid("`token_type` is missing") }
        guard case .string(let rawTokenType) = tokenTypeValue, !rawTokenType.isEmpty else {
            throw invalid("`token_type` must be a non-empty string")
        }
        let tokenType = rawTokenType.lowercased()
        guard tokenType == "bearer" || tokenType == "dpop" else {
            throw invalid("`token_type` \"\(LogSafe.truncate(rawTokenType, limit: 40))\" is not supported; only Bearer and DPoP tokens are")
        }
        var expiresIn: Int?
        if let value = members["expires_in"] {
            let seconds: Double?
            switch value {
            case .number(let number): seconds = number
            case .string(let text): seconds = Double(text.trimmingCharacters(in: .whitespaces))
            case .null: seconds = nil
            default: throw invalid("`expires_in` must be a number, got a \(value.typeName)")
            }
            if case .null = value {
                expiresIn = nil
            } else {
                guard let seconds, seconds.isFinite, seconds >= 0, seconds < 1e12 else {
                    throw invalid("`expires_in` must be a number of seconds ≥ 0")
                }
                expiresIn = Int(seconds)
            }
        }
        var scope: String?
        if let value = members["scope"] {
            guard case .string(let text) = value else { throw invalid("`scope` must be a string, got a \(value.typeName)") }
            scope = text
        }
        var refreshToken: String?
        if let value = members["refresh_token"] {
            guard case .string(let text) = value, !text.isEmpty else { throw invalid("`refresh_token` must be a non-empty string") }
            refreshToken = text
        }
        var idToken: String?
        if let value = members["id_token"] {
            guard case .string(let text) = value, !text.isEmpty else { throw invalid("`id_token` must be a non-empty string") }
            idToken = text
        }
        var additional = members
        for name in ["access_token", "token_type", "expires_in", "scope", "refresh_token", "id_token"] {
            additional.removeValue(forKey: name)
        }
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.scope = scope
        self.refreshToken = refreshToken
        self.idToken = idToken
        self.additionalMembers = additional
        self.receivedAt = receivedAt
        self.warnings = warnings
    }

    /// `TokenEndpointResponse(token_type: bearer, expires_in: 3600, scope: "a b", access_token: <redacted>)`.
    public var description: String {
        var text = "TokenEndpointResponse(token_type: \(tokenType)"
        if let expiresIn { text += ", expires_in: \(expiresIn)" }
        if let scope { text += ", scope: \"\(scope)\"" }
        text += ", access_token: <redacted>"
        if refreshToken != nil { text += ", refresh_token: <redacted>" }
        if idToken != nil { text += ", id_token: <redacted>" }
        return text + ")"
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// A mirror without the tokens.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "tokenType": tokenType, "expiresIn": expiresIn as Any, "scope": scope as Any,
                "accessToken": "<redacted>", "receivedAt": receivedAt, "warnings": warnings,
            ], displayStyle: .struct)
    }
}
