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
    /// The OAuth error the same answer carried in a JSON body (RFC 6749 §5.2),
    /// e.g. `invalid_client` beside a `Basic` challenge; nil when the body had none.
    public let bodyError: ResponseBodyError?

    init(status: Int, challenges: [WWWAuthenticateChallenge], endpoint: String, retryAfter: Duration?, bodyError: ResponseBodyError? = nil)
    {
        self.status = status
        self.challenges = challenges
        self.endpoint = endpoint
        self.retryAfter = retryAfter
        self.bodyError = bodyError
    }

    /// The OAuth `error` code: the challenge's `error` parameter, else the JSON body's.
    public var oauthError: String? {
        challenges.lazy.compactMap { $0.parameters["error"] }.first ?? bodyError?.error
    }

    /// The HTTP status of the answer.
    public var statusCode: Int? { status }
    /// 429 and 5xx may succeed later.
    public var isRetryable: Bool { RetryableStatus.isRetryable(status: status) }

    /// For example: `the token endpoint … refused the request (HTTP 401) with challenge Basic realm="as", error="invalid_client"`;
    /// with an OAuth error in the body: `… refused the request (HTTP 401): invalid_client — "…"; check … (challenge Basic realm="as")`.
    public var description: String {
        let rendered = LogSafe.truncate(challenges.map(\.description).joined(separator: "; "))
        if let bodyError {
            return "the token endpoint \(endpoint) refused the request (HTTP \(status)): \(bodyError.explanation) (challenge \(rendered))"
        }
        var text = "the token endpoint \(endpoint) refused the request (HTTP \(status)) with challenge \(rendered)"
        if let error = oauthError { text += ResponseBodyError.hint(for: error) }
        return text
    }

    /// The type name and the description.
    public var debugDescription: String { "WWWAuthenticateChallengeError: \(description)" }
}
