/// The server refused the request with one or more `WWW-Authenticate`
/// challenges (RFC 7235), e.g. `Bearer error="invalid_token"` or a DPoP challenge.
public struct WWWAuthenticateChallengeError: OAuthClientFailure, CustomDebugStringConvertible {
    /// The HTTP status of the answer (usually 401).
    public let status: Int
    /// The challenges, in header order.
    public let challenges: [WWWAuthenticateChallenge]
    /// The endpoint that answered.
    public let endpoint: String
    /// The server's `Retry-After` as a delay, when it sent one.
    public let retryAfter: Duration?

    /// The HTTP status of the answer.
    public var statusCode: Int? { status }
    /// 429 and 5xx may succeed later.
    public var isRetryable: Bool { RetryPolicy.isRetryable(status: status) }

    /// For example: `the token endpoint … refused the request (HTTP 401) with challenge Basic realm="as", error="invalid_client"`.
    public var description: String {
        let rendered = challenges.map(\.description).joined(separator: "; ")
        var text = "the token endpoint \(endpoint) refused the request (HTTP \(status)) with challenge \(LogSafe.truncate(rendered))"
        if challenges.contains(where: { $0.parameters["error"] == "invalid_client" }) {
            text += "; check the client ID and its credentials"
        }
        return text
    }

    /// The type name and the description.
    public var debugDescription: String { "WWWAuthenticateChallengeError: \(description)" }
}
