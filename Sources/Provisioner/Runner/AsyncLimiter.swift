import NIOConcurrencyHelpers
import OAuthClient

/// A counting semaphore for async code: at most `limit` holders at once.
///
/// Used for per-issuer `max_concurrency`. Waiters are served in arrival order,
/// and a cancelled waiter leaves the queue at once instead of holding a slot.
package final class AsyncLimiter: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var available: Int
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state: NIOLockedValueBox<State>

    /// The configured number of slots.
    package let limit: Int

    /// Creates a limiter with `limit` slots (at least one).
    package init(limit: Int) {
        self.limit = max(1, limit)
        self.state = NIOLockedValueBox(State(available: max(1, limit)))
    }

    /// Waits for a slot; throws `CancellationError` if the task is cancelled first.
    ///
    /// The check for a free slot and the joining of the queue happen in one
    /// critical section, so a `release()` can never slip between them.
    package func acquire() async throws {
        if state.withLockedValue({ state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }) {
            return
        }
        let id = state.withLockedValue { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Decision { case granted, cancelled, queued }
                let decision = state.withLockedValue { state -> Decision in
                    if Task.isCancelled { return .cancelled }
                    if state.available > 0 {
                        state.available -= 1
                        return .granted
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .queued
                }
                switch decision {
                case .granted: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued: break
                }
            }
        } onCancel: {
            let waiter = state.withLockedValue { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a slot back, waking the longest waiter if there is one.
    package func release() {
        let waiter = state.withLockedValue { state -> Waiter? in
            if state.waiters.isEmpty {
                state.available = min(limit, state.available + 1)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume()
    }
}
