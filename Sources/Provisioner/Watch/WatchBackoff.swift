import Foundation

/// Waits between failed renewals of one client, after the runner's own
/// retries inside a batch were used up.
///
/// Exponential from `initial`, doubling per failed batch, capped at
/// `maximum`, with "equal jitter": half the wait is fixed and half random, so
/// a failing issuer's clients spread out but never retry in a tight loop.
package struct WatchBackoff: Sendable, Hashable {
    /// The first wait.
    package var initial: Duration
    /// The longest wait.
    package var maximum: Duration

    /// Creates the policy.
    package init(initial: Duration = .seconds(1), maximum: Duration = .seconds(300)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The wait after the `failures`-th failed batch in a row (1-based).
    package func delay<G: RandomNumberGenerator>(afterFailures failures: Int, using generator: inout G) -> Duration {
        let exponent = min(max(0, failures - 1), 30)
        let ceiling = min(maximum, initial * (1 << exponent))
        let half = ceiling.nanosecondsClamped / 2
        guard half > 0 else { return ceiling }
        return .nanoseconds(half + Int64.random(in: 0...half, using: &generator))
    }
}
