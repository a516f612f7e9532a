/// The authorization server refused the request with an OAuth error answer
/// (RFC 6749 §5.2): a JSON object whose `error` member names the problem.
///
/// Also thrown for a 200 answer that carries `error` (**beyond** the reference).
public struct ResponseBodyError: OAuthClientFailure, CustomDebugStringConvertible {
    /// The HTTP status of the answer.
    public let status: Int
    /// The OAuth error code, e.g. `invalid_client`.
    public let error: String
    /// The server's human-readable explanation, when given.
    public let errorDescription: String?
    /// A page that explains the error, when given.
    public let errorURI: String?
    /// The whole JSON object the server sent.
    public let body: [String: JSONValue]
    /// The endpoint that answered.
    public let endpoint: String
    /// The server's `Retry-After` as a delay, when it sent one.
    public let retryAfter: Duration?

    /// The HTTP status of the answer.
    public var statusCode: Int? { status }

    /// 429, 5xx and `temporarily_unavailable` may succeed later.
    public var isRetryable: Bool {
        RetryableStatus.isRetryable(status: status) || error == "temporarily_unavailable"
    }

    /// For example: `the token endpoint https://as/token refused the request (HTTP 400): invalid_scope — "scope x is unknown" (see https://…)`.
    public var description: String {
        "the token endpoint \(endpoint) refused the request (HTTP \(status)): \(explanation)"
    }

    /// The error code, the server's description and page, and what to check:
    /// `invalid_scope — "scope x is unknown" (see https://…); check …`.
    var explanation: String {
        var text = error
        if let errorDescription { text += " — \"\(LogSafe.truncate(errorDescription))\"" }
        if let errorURI { text += " (see \(LogSafe.truncate(errorURI)))" }
        return text + Self.hint(for: error)
    }

    /// The type name and the description.
    public var debugDescription: String { "ResponseBodyError: \(description)" }

    /// What to check for a well-known OAuth error code, as `; check …`; empty for others.
    static func hint(for error: String) -> String {
        switch error {
        case "invalid_client": "; check the client ID, the client secret or key, and the authentication method"
        case "invalid_scope": "; check the requested scope against what the client is allowed"
        case "unauthorized_client": "; the client is not allowed to use the client_credentials grant"
        case "invalid_target": "; check the requested resource/audience"
        case "invalid_dpop_proof": "; the server rejected the DPoP proof"
        default: ""
        }
    }
}

/// Helpers that keep server-supplied text short in messages.
enum LogSafe {
    static func truncate(_ text: String, limit: Int = 300) -> String {
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }
}
