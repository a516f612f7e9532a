/// What every error thrown by a grant tells a caller that may retry it.
///
/// The batch runner retries network errors, 5xx and 429 answers and honours
/// `Retry-After`; it reads these members instead of matching error types.
public protocol OAuthClientFailure: Error, Sendable, CustomStringConvertible {
    /// The HTTP status of the answer, when there was one.
    var statusCode: Int? { get }
    /// The server's `Retry-After`, converted to a delay from when the answer arrived.
    var retryAfter: Duration? { get }
    /// Whether trying the same request again later may succeed.
    var isRetryable: Bool { get }
}

/// Shared rules for deciding whether an HTTP status is worth retrying.
enum RetryableStatus {
    static func isRetryable(status: Int) -> Bool {
        status == 429 || status == 408 || (500...599).contains(status)
    }
}
