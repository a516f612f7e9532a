import NIOConcurrencyHelpers
import OAuthClient

/// Spaces requests evenly so that no more than `count` start per `period`.
///
/// Used for an issuer's `rate_limit` (`20/s`, `600/m`). Each caller reserves
/// the next free start time and sleeps until it; cancellation ends the sleep.
package final class RateLimiter: Sendable {
    private let interval: Duration
    private let next: NIOLockedValueBox<ContinuousClock.Instant>

    /// Creates a limiter allowing `count` request starts per `period`.
    package init(count: Int, per period: Duration) {
        self.interval = period / max(1, count)
        self.next = NIOLockedValueBox(ContinuousClock.now)
    }

    /// Waits until this caller may start its request.
    package func waitForTurn() async throws {
        let now = ContinuousClock.now
        let slot = reserve(at: now)
        if slot > now {
            try await Task.sleep(until: slot, clock: .continuous)
        }
    }

    /// Reserves the next start time for a caller arriving at `now`: `now`
    /// itself when the limiter is idle, else one interval after the previous
    /// reservation.
    func reserve(at now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        next.withLockedValue { next -> ContinuousClock.Instant in
            let slot = max(next, now)
            next = slot + interval
            return slot
        }
    }
}
