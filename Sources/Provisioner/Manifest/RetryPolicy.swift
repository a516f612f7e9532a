package import OAuthClient

/// How retryable failures (network errors, 5xx, 408, 429) are retried: the
/// manifest's `retry` block, and the one policy the grant, the discovery and
/// the runner's backoff all follow.
///
/// Exponential backoff with full jitter, capped, honouring `Retry-After`:
/// after attempt `n` (1-based) fails, the wait is a random time in
/// `0 ... min(maxBackoff, initialBackoff * 2^(n-1))`. A server's
/// `Retry-After` replaces the random wait but is itself capped at
/// `maxBackoff`, so a hostile or confused server cannot park a run for an hour.
package struct RetryPolicy: Sendable, Hashable {
    /// Total tries, the first included (`attempts`, ≥ 1).
    package var attempts: Int
    /// First backoff before full jitter (`initial_backoff`); doubles per try.
    package var initialBackoff: Duration
    /// Cap of the backoff and of a server's `Retry-After` (`max_backoff`).
    package var maxBackoff: Duration

    /// Creates a policy; the parameter defaults are the built-in values.
    package init(attempts: Int = 4, initialBackoff: Duration = .milliseconds(250), maxBackoff: Duration = .seconds(8)) {
        self.attempts = attempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before the next try after `failedAttempt` failed.
    package func delay<G: RandomNumberGenerator>(
        afterAttempt failedAttempt: Int, retryAfter: Duration?, using generator: inout G
    ) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxBackoff) }
        let exponent = min(max(0, failedAttempt - 1), 30)
        let ceiling = min(maxBackoff, initialBackoff * (1 << exponent))
        let nanoseconds = ceiling.nanosecondsClamped
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    /// The wait before the next try, with the system random generator.
    package func delay(afterAttempt failedAttempt: Int, retryAfter: Duration?) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: failedAttempt, retryAfter: retryAfter, using: &generator)
    }

    /// The wait before trying again after `failure` ended attempt `failedAttempt`,
    /// or nil when the failure is final or the attempts are used up.
    package func retryDelay(after failure: any OAuthClientFailure, attempt failedAttempt: Int) -> Duration? {
        guard failure.isRetryable, failedAttempt < max(1, attempts) else { return nil }
        return delay(afterAttempt: failedAttempt, retryAfter: failure.retryAfter)
    }
}
