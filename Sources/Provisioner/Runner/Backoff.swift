/// Exponential backoff with full jitter, capped, honouring `Retry-After`.
///
/// Attempt `n` (1-based, the attempt that just failed) waits a random time in
/// `0 ... min(maxDelay, initialDelay * 2^(n-1))`. A server's `Retry-After`
/// replaces the random wait but is itself capped at `maxDelay`, so a hostile
/// or confused server cannot park a run for an hour.
public struct Backoff: Sendable, Hashable {
    /// Total tries, the first one included.
    public var attempts: Int
    /// The cap of the first retry's random wait.
    public var initialDelay: Duration
    /// The largest wait, also the cap on `Retry-After`.
    public var maxDelay: Duration

    /// Creates a backoff policy.
    public init(attempts: Int, initialDelay: Duration, maxDelay: Duration) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The wait before the next try after `failedAttempt` failed.
    public func delay<G: RandomNumberGenerator>(
        afterAttempt failedAttempt: Int, retryAfter: Duration?, using generator: inout G
    ) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxDelay) }
        let exponent = min(max(0, failedAttempt - 1), 30)
        let ceiling = min(maxDelay, initialDelay * (1 << exponent))
        let nanoseconds = ceiling.nanosecondsClamped
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator))
    }

    /// The wait before the next try, with the system random generator.
    public func delay(afterAttempt failedAttempt: Int, retryAfter: Duration?) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: failedAttempt, retryAfter: retryAfter, using: &generator)
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? .max : scaled + attoseconds / 1_000_000_000
    }

    /// Seconds as a `Double`, for reports and metrics.
    public var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
