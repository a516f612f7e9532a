import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// Occupies the threads of Swift's global concurrency pool with blocked tasks
/// while `body` runs on a thread of its own, then lets them go.
///
/// A test bundle that runs long synchronous tests holds those threads the same
/// way; anything the local issuer leaves to the pool then waits for them.
/// Blockers are added until every one of them runs, or until no further one
/// starts for `settle` (the pool is then full, with the other tests' work).
enum BusyConcurrencyPool {
    static func whileOccupied<T: Sendable>(
        blockers: Int = ProcessInfo.processInfo.activeProcessorCount,
        settle: Duration = .seconds(3),
        _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        let gate = Gate()
        for _ in 0..<blockers {
            Task.detached { gate.hold() }
        }
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                gate.waitForHolders(blockers, settle: settle)
                let result = Result { try body() }
                gate.open()
                continuation.resume(with: result)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Blocked tasks wait here until it opens.
    private final class Gate: Sendable {
        private let holders = NIOLockedValueBox(0)
        private let release = DispatchSemaphore(value: 0)
        private let opened = NIOLockedValueBox(false)

        func hold() {
            holders.withLockedValue { $0 += 1 }
            if opened.withLockedValue({ $0 }) { return }
            release.wait()
            release.signal()
        }

        func waitForHolders(_ count: Int, settle: Duration) {
            var seen = holders.withLockedValue { $0 }
            var quietSince = ContinuousClock.now
            while seen < count, ContinuousClock.now - quietSince < settle {
                usleep(10_000)
                let now = holders.withLockedValue { $0 }
                if now != seen {
                    seen = now
                    quietSince = ContinuousClock.now
                }
            }
        }

        func open() {
            opened.withLockedValue { $0 = true }
            release.signal()
        }
    }
}
