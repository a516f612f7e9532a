package import Foundation
import NIOConcurrencyHelpers

/// The loop behind `tokensmith watch`: grant what is due, then sleep until
/// the next client's renewal time, for as long as the calling task runs.
///
/// Each batch goes through ``Runner/runBatch(state:now:writesUnchanged:decide:)``: the same
/// grants, limits, outputs and state as `run`. The token state is kept in
/// memory between batches (and saved to the state file when there is one).
/// Clients due within ``batchWindow`` of each other are renewed in one
/// batch, so aggregate outputs are rendered once for them. A client whose
/// renewal failed keeps its last good token and outputs and is tried again
/// after a ``WatchBackoff`` wait, however long its issuer stays down; other
/// clients are not held up. Nothing polls: between batches the loop sleeps
/// until the earliest due time (at most ``longestSleep``, so a changed wall
/// clock is noticed).
package final class Watcher: Sendable {
    /// Clients due within this time of the first due one share its batch.
    package static let batchWindow: Duration = .seconds(1)
    /// The longest single sleep.
    package static let longestSleep: Duration = .seconds(300)

    /// Why ``run(afterBatch:)`` returned, with the token state to carry on from.
    package enum Ending: Sendable {
        /// The calling task was cancelled (SIGTERM, SIGINT).
        case stopped(TokenState)
        /// ``requestReload()`` was called; the batch in flight, if any, finished first.
        case reload(TokenState)
    }

    private let runner: Runner
    private let status: WatchStatus
    private let backoff: WatchBackoff
    private let force: Bool
    private let startState: TokenState?
    private let wake = NIOLockedValueBox<(reload: Bool, sleeper: Task<Void, Never>?)>((false, nil))

    /// A watcher over `runner`'s selected clients; `force` grants every client
    /// in the first batch. `state` carries the token state over from a
    /// previous watcher (after a reload); nil reads the state file.
    package init(
        runner: Runner, status: WatchStatus, backoff: WatchBackoff = WatchBackoff(), force: Bool = false, state: TokenState? = nil
    ) {
        self.runner = runner
        self.status = status
        self.backoff = backoff
        self.force = force
        self.startState = state
    }

    /// Asks the loop to return ``Ending/reload(_:)``: at once while it sleeps,
    /// after the batch in flight otherwise.
    package func requestReload() {
        let sleeper = wake.withLockedValue { wake -> Task<Void, Never>? in
            wake.reload = true
            return wake.sleeper
        }
        sleeper?.cancel()
    }

    /// A failing client: how many batches in a row failed it, and when it is tried again.
    private struct Failing {
        var count: Int
        var retryAt: Date
    }

    /// Runs until the calling task is cancelled (SIGTERM, SIGINT): a batch in
    /// flight then stops as a cancelled run does, its finished tokens written
    /// and saved. `afterBatch` is called after each batch with its outcome and
    /// the next due time (metrics file, log line). Returns the token state
    /// the loop ended with.
    package func run(afterBatch: (Runner.BatchOutcome, Date?) async -> Void) async -> Ending {
        var state = startState ?? runner.initialState()
        var failing: [String: Failing] = [:]
        var generator = SystemRandomNumberGenerator()
        var first = true
        // The selection is fixed for this manifest (a reload makes a new Watcher).
        let clients = runner.selectedClients
        while !Task.isCancelled {
            if wake.withLockedValue({ $0.reload }) { return .reload(state) }
            let now = Date()
            let horizon = now.addingTimeInterval(Self.batchWindow.secondsDouble)
            var next = Self.nextDue(clients, state: state, failing: failing)
            if first || next.map({ $0 <= horizon }) ?? false {
                let forceAll = first && force
                let outcome = await runner.runBatch(state: state, now: now, writesUnchanged: first) { client, cached, _ in
                    if forceAll { return .grant(reason: "--force") }
                    if let failure = failing[client.name], failure.retryAt > horizon {
                        return .skip(reason: "retrying after \(failure.count) failed renewals")
                    }
                    return RenewalTiming.decide(client: client, cached: cached, now: horizon)
                }
                first = false
                state = outcome.state
                let finished = Date()
                for result in outcome.summary.results {
                    switch result.status {
                    case .granted:
                        failing[result.name] = nil
                    case .failed:
                        let count = (failing[result.name]?.count ?? 0) + 1
                        // The server's Retry-After, when longer, wins (capped like the backoff).
                        let wait = max(
                            backoff.delay(afterFailures: count, using: &generator), min(result.retryAfter ?? .zero, backoff.maximum))
                        failing[result.name] = Failing(count: count, retryAt: finished.addingTimeInterval(wait.secondsDouble))
                    case .skipped, .cancelled, .planned:
                        break
                    }
                }
                next = Self.nextDue(clients, state: state, failing: failing)
                record(outcome.summary, clients: clients, state: state, failing: failing)
                await afterBatch(outcome, next)
                if outcome.summary.interrupted { return .stopped(state) }
            }
            // At least a batch window between batches: what falls due meanwhile joins the next one.
            var wait = next.map { Duration.seconds(max(0, $0.timeIntervalSinceNow)) } ?? Self.longestSleep
            wait = min(max(wait, Self.batchWindow), Self.longestSleep)
            let sleeper = Task { _ = try? await Task.sleep(for: wait) }
            let reloading = wake.withLockedValue { wake -> Bool in
                wake.sleeper = sleeper
                return wake.reload
            }
            if reloading { sleeper.cancel() }
            await withTaskCancellationHandler {
                await sleeper.value
            } onCancel: {
                sleeper.cancel()
            }
            wake.withLockedValue { $0.sleeper = nil }
        }
        return .stopped(state)
    }

    /// The earliest time a client needs a grant: its renewal time, its retry
    /// time after a failure, or now when it holds no usable token.
    private static func nextDue(_ clients: [ClientDefinition], state: TokenState, failing: [String: Failing]) -> Date? {
        var earliest: Date?
        let now = Date()
        for client in clients {
            let due: Date?
            if let failure = failing[client.name] {
                due = failure.retryAt
            } else if let entry = state.clients[client.name], entry.fingerprint == client.fingerprint, entry.isValid(at: now) {
                due = RenewalTiming.renewalDate(of: client, entry: entry)
            } else {
                due = now
            }
            if let due, earliest.map({ due < $0 }) ?? true { earliest = due }
        }
        return earliest
    }

    /// Puts the batch into the shared status the health endpoints read.
    private func record(_ summary: RunSummary, clients: [ClientDefinition], state: TokenState, failing: [String: Failing]) {
        var statuses: [String: ClientResult.Status] = [:]
        var codes: [String: String] = [:]
        var grants: [String: (duration: Double, attempts: Int)] = [:]
        for result in summary.results {
            statuses[result.name] = result.status
            if let code = result.errorCode { codes[result.name] = code.description }
            if result.status == .granted || result.status == .failed { grants[result.name] = (result.duration, result.attempts) }
        }
        status.update { snapshot in
            var updated: [String: WatchStatus.Client] = [:]
            updated.reserveCapacity(clients.count)
            for client in clients {
                let entry = state.clients[client.name]
                var record =
                    snapshot.clients[client.name]
                    ?? WatchStatus.Client(
                        issuer: client.issuerName, expiresAt: nil, hasToken: false, lastSuccess: nil, nextRenewal: nil,
                        consecutiveFailures: 0, lastErrorCode: nil, renewals: 0, failures: 0, lastGrantDuration: nil,
                        lastGrantAttempts: nil)
                record.issuer = client.issuerName
                record.expiresAt = entry?.expiresAt
                record.hasToken = entry != nil
                record.lastSuccess = entry?.issuedAt
                if let grant = grants[client.name] {
                    record.lastGrantDuration = grant.duration
                    record.lastGrantAttempts = grant.attempts
                }
                switch statuses[client.name] {
                case .granted:
                    record.renewals += 1
                    record.consecutiveFailures = 0
                    record.lastErrorCode = nil
                case .failed:
                    record.failures += 1
                    record.consecutiveFailures = failing[client.name]?.count ?? record.consecutiveFailures + 1
                    record.lastErrorCode = codes[client.name]
                default:
                    break
                }
                if let failure = failing[client.name] {
                    record.nextRenewal = failure.retryAt
                } else if let entry, entry.fingerprint == client.fingerprint {
                    record.nextRenewal = RenewalTiming.renewalDate(of: client, entry: entry)
                } else {
                    record.nextRenewal = nil
                }
                updated[client.name] = record
            }
            snapshot.clients = updated
            snapshot.batches += 1
            snapshot.lastBatchAt = Date()
            snapshot.lastBatchDuration = summary.duration
            snapshot.lastBatchCounts = Dictionary(grouping: summary.results, by: \.status).mapValues(\.count)
        }
    }
}
