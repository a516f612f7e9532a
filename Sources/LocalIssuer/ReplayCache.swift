internal import NIOConcurrencyHelpers

/// Remembers one-time identifiers (`jti`) until they expire, to refuse replays.
///
/// Entries are purged lazily once the table grows, so a benchmark sending many
/// assertions keeps memory bounded by the validity window.
final class ReplayCache: Sendable {
    private struct State {
        var entries: [String: Double] = [:]
        var nextPurge = 4096
    }

    private let state = NIOLockedValueBox(State())

    /// Records `key` until `expiresAt` (seconds since 1970); false when it was already seen and not expired.
    func insert(_ key: String, expiresAt: Double, now: Double) -> Bool {
        state.withLockedValue { state in
            if let existing = state.entries[key], existing >= now {
                return false
            }
            state.entries[key] = expiresAt
            if state.entries.count >= state.nextPurge {
                state.entries = state.entries.filter { $0.value >= now }
                state.nextPurge = max(4096, state.entries.count * 2)
            }
            return true
        }
    }
}
