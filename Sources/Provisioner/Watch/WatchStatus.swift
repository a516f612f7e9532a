package import Foundation
import NIOConcurrencyHelpers

/// What `watch` knows about each client, shared with its health endpoints.
///
/// Updated once per batch; read by `/readyz` and `/metrics` at any time.
/// Holds no token, secret or client id.
package final class WatchStatus: Sendable {
    /// One client as the last batch left it.
    package struct Client: Sendable, Equatable {
        /// The issuer's manifest name.
        package var issuer: String
        /// When the token the outputs hold expires, if known.
        package var expiresAt: Date?
        /// Whether the client holds a token at all (one without expiry counts).
        package var hasToken: Bool
        /// When the client last got a token.
        package var lastSuccess: Date?
        /// When the next renewal (or retry) is due; nil when none is planned.
        package var nextRenewal: Date?
        /// Failed renewals since the last good one.
        package var consecutiveFailures: Int
        /// The last failure's code, while failures go on.
        package var lastErrorCode: String?
        /// Renewals that succeeded since the process started (the first grant included).
        package var renewals: Int
        /// Renewals that failed since the process started.
        package var failures: Int
        /// Wall time of the client's last grant in seconds, retries included.
        package var lastGrantDuration: Double?
        /// Token requests sent for the client's last grant.
        package var lastGrantAttempts: Int?

        /// Whether the client holds a token that is valid at `now`.
        package func isReady(at now: Date) -> Bool {
            hasToken && (expiresAt.map { $0 > now } ?? true)
        }
    }

    /// Everything at one moment.
    package struct Snapshot: Sendable {
        /// Clients by manifest name.
        package var clients: [String: Client] = [:]
        /// Batches finished since the start.
        package var batches = 0
        /// When the last batch finished.
        package var lastBatchAt: Date?
        /// Wall time of the last batch in seconds.
        package var lastBatchDuration: Double = 0
        /// The last batch's clients by outcome (`granted`, `skipped`, `failed`, `cancelled`).
        package var lastBatchCounts: [ClientResult.Status: Int] = [:]
        /// Whether the first batch has finished.
        package var started: Bool { batches > 0 }
        /// Whether the watch loop is still running (false once it stopped).
        package var running = true

        /// The clients without a valid token at `now`, by name.
        package func unready(at now: Date) -> [String] {
            clients.filter { !$0.value.isReady(at: now) }.keys.sorted()
        }
    }

    private let box = NIOLockedValueBox(Snapshot())

    /// An empty status: not ready until the first batch finished.
    package init() {}

    /// The current snapshot.
    package var snapshot: Snapshot { box.withLockedValue { $0 } }

    /// Changes the snapshot under the lock.
    package func update(_ body: (inout Snapshot) -> Void) {
        box.withLockedValue { body(&$0) }
    }
}
