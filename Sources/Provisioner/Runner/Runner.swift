import NIOConcurrencyHelpers
package import Foundation
package import OAuthClient

/// The batch runner: plans renewals, grants every due client concurrently
/// within the global and per-issuer limits, then writes outputs, state,
/// report and metrics.
///
/// A failed grant is a result, never a thrown error, so one bad client never
/// cancels the others. Cancelling the task that runs ``run()`` (SIGINT,
/// SIGTERM) stops the grants; tokens already obtained are still written
/// atomically unless `--all-or-nothing` holds everything back.
package final class Runner: Sendable {
    /// The manifest this runner grants from.
    package let manifest: Manifest
    private let options: RunOptions
    private let observer: (any RunObserver)?
    private let httpClients: HTTPClientSet
    /// Issuer contexts kept from batch to batch by ``runBatch(state:now:writesUnchanged:decide:)``:
    /// one discovery per issuer for the whole process, and its limits hold
    /// across batches. A context whose discovery failed is replaced.
    private let batchContexts = NIOLockedValueBox<[String: IssuerContext]>([:])

    /// Creates a runner over a validated manifest; each issuer's requests use
    /// the client of `httpClients` for its proxy (see ``IssuerContext``).
    package init(manifest: Manifest, options: RunOptions, observer: (any RunObserver)? = nil, httpClients: HTTPClientSet) {
        self.manifest = manifest
        self.options = options
        self.observer = observer
        self.httpClients = httpClients
    }

    /// The clients this run is responsible for (`--only`, `--shard`), in manifest order.
    package var selectedClients: [ClientDefinition] {
        // Without --only or --shard, the manifest's own array (no copy of 10,000 definitions).
        if options.filter.patterns.isEmpty, options.shard == nil { return manifest.clients }
        return manifest.clients.filter { client in
            options.filter.matches(client.name) && (options.shard?.owns(client.name) ?? true)
        }
    }

    /// Runs the whole job and says what happened; never throws.
    package func run() async -> RunSummary {
        for pattern in options.filter.unmatchedPatterns(in: manifest.clients.map(\.name)) {
            observer?.warning("--only pattern `\(pattern)` matches no client")
        }
        let force = options.force
        return await execute(state: loadState(), now: Date(), keepsState: false, writesUnchanged: true) { client, cached, now in
            RenewalPlan.decide(client: client, cached: cached, force: force, now: now)
        }.summary
    }

    /// What one batch of a long-running process did, and the token state after it.
    package struct BatchOutcome: Sendable {
        /// The batch's results; skipped clients included.
        package var summary: RunSummary
        /// The state the next batch starts from: the given state with the
        /// batch's new tokens (saved to the state file too, when there is one).
        package var state: TokenState
    }

    /// The token state file's contents for a process that keeps the state in
    /// memory between batches (empty without a state file); a problem with
    /// the file is reported to the observer.
    package func initialState() -> TokenState { loadState() }

    /// One batch of `watch`: the clients `decide` picks are granted, the
    /// outputs written (aggregates once, from `state` and the new tokens), and
    /// the state saved, exactly as ``run()`` does for its plan. With
    /// `writesUnchanged` false, a batch that got no new token writes nothing
    /// (the first batch passes true, so missing or edited files are restored
    /// at start). Never throws; cancelling the calling task stops the grants
    /// as it stops a run.
    package func runBatch(
        state: TokenState, now: Date, writesUnchanged: Bool,
        decide: (ClientDefinition, TokenState.Entry?, Date) -> RenewalPlan.Decision
    ) async -> BatchOutcome {
        await execute(state: state, now: now, keepsState: true, writesUnchanged: writesUnchanged, decide: decide)
    }

    private func execute(
        state: TokenState, now: Date, keepsState: Bool, writesUnchanged: Bool,
        decide: (ClientDefinition, TokenState.Entry?, Date) -> RenewalPlan.Decision
    ) async -> BatchOutcome {
        let start = ContinuousClock.now
        let selected = selectedClients
        var nextState = keepsState ? state : TokenState()

        // Clients to grant are positions in `selected`: 10,000 definitions are
        // never copied while their grants run.
        var toGrant: [(index: Int, reason: String)] = []
        var results: [String: ClientResult] = [:]
        results.reserveCapacity(selected.count)
        // By index: `for client in selected` copied every whole definition.
        for index in selected.indices {
            let name = selected[index].name
            let cached = state.clients[name]
            switch decide(selected[index], cached, now) {
            case .grant(let reason):
                toGrant.append((index, reason))
            case .skip(let reason):
                let result = ClientResult(
                    name: name, issuer: selected[index].issuerName, clientID: selected[index].clientID, status: .skipped,
                    detail: reason, expiresAt: cached?.expiresAt, lastSuccess: cached?.issuedAt)
                results[name] = result
            }
        }
        observer?.planned(toGrant: toGrant.count, toSkip: results.count)
        for result in results.values.sorted(by: { $0.name < $1.name }) { observer?.finished(result) }

        let contexts = makeIssuerContexts(for: Set(toGrant.map { selected[$0.index].issuerName }), reusing: keepsState)
        if options.dryRun {
            let planned = await dryRun(toGrant.map { (selected[$0.index], $0.reason) }, contexts: contexts)
            for result in planned { results[result.name] = result }
            let summary = RunSummary(
                results: results.values.sorted { $0.name < $1.name }, duration: (ContinuousClock.now - start).secondsDouble,
                interrupted: Task.isCancelled, deadlineExceeded: false, writeErrors: [], filesWritten: 0, filesUnchanged: 0,
                heldBack: false)
            return BatchOutcome(summary: summary, state: nextState)
        }

        let order = Self.interleavedByIssuer(toGrant.map(\.index), issuer: { selected[$0].issuerName })
        toGrant = []
        let grantRun = await grantWithDeadline(selected, order: order, contexts: contexts, state: state, start: start)
        let deadlineExceeded = grantRun.deadlineExceeded
        var newTokens: [String: IssuedToken] = [:]
        newTokens.reserveCapacity(grantRun.outcomes.count)
        // Consumed: the outcomes list is gone before the outputs are rendered.
        for (result, token) in (consume grantRun).outcomes {
            results[result.name] = result
            if let token { newTokens[result.name] = token }
        }
        let interrupted = Task.isCancelled && !deadlineExceeded

        var summary = RunSummary(
            results: [], duration: 0, interrupted: interrupted, deadlineExceeded: deadlineExceeded,
            writeErrors: [], filesWritten: 0, filesUnchanged: 0, heldBack: false)
        let anyFailed = results.values.contains { $0.status == .failed || $0.status == .cancelled }
        var heldBack = options.allOrNothing && anyFailed
        // A later batch of a long-running process that got no new token
        // changes nothing: its files are not rendered again.
        if !heldBack && !options.writesOutputs {
            // `exec`: the tokens go into a program's environment, not into files;
            // only the cache keeps them (its stamps stay unknown, so a later
            // `run` compares the files again).
            if keepsState { Self.merge(newTokens, rerendered: [], stamps: [:], into: &nextState, manifest: manifest, now: now) }
            if let error = await saveState(state, newTokens: newTokens, rerendered: [], stamps: [:], now: now) {
                summary.writeErrors.append(error)
            }
        } else if !heldBack && (writesUnchanged || !newTokens.isEmpty) {
            let written = OutputStage.write(
                manifest: manifest, selected: selected, shard: options.shard, newTokens: newTokens, state: state, now: now,
                allOrNothing: options.allOrNothing, stamps: keepsState || options.statePath != nil)
            summary.filesWritten = written.written
            summary.filesUnchanged = written.unchanged
            summary.writeErrors = written.errors
            written.warnings.forEach { observer?.warning($0) }
            for failure in written.clientErrors {
                guard var result = results[failure.client] else { continue }
                let name = failure.client
                result.status = .failed
                result.errorCode = .output
                result.detail = failure.message
                result.expiresAt = state.clients[name].flatMap { $0.isValid(at: now) ? $0.expiresAt : nil }
                result.lastSuccess = state.clients[name]?.issuedAt
                results[name] = result
                newTokens[name] = nil
            }
            heldBack = written.heldBack
            let failedRerenders = Set(written.clientErrors.map(\.client))
            let rerendered = written.rerendered.filter { !failedRerenders.contains($0) }
            if !heldBack {
                if keepsState {
                    Self.merge(newTokens, rerendered: rerendered, stamps: written.stamps, into: &nextState, manifest: manifest, now: now)
                }
                if let error = await saveState(state, newTokens: newTokens, rerendered: rerendered, stamps: written.stamps, now: now) {
                    summary.writeErrors.append(error)
                }
                newTokens = [:]  // written and saved: not held while the summary is built
            }
        }
        if heldBack {
            // Nothing was written: report what the files and cache still hold.
            summary.heldBack = true
            for name in newTokens.keys {
                guard var result = results[name] else { continue }
                result.detail = "granted, but not written: --all-or-nothing held every output back"
                result.expiresAt = state.clients[name].flatMap { $0.isValid(at: now) ? $0.expiresAt : nil }
                result.lastSuccess = state.clients[name]?.issuedAt
                results[name] = result
            }
        }
        summary.results = results.values.sorted { $0.name < $1.name }
        summary.duration = (ContinuousClock.now - start).secondsDouble
        return BatchOutcome(summary: summary, state: nextState)
    }

    // MARK: - Grants

    private struct GrantRun {
        var outcomes: [(ClientResult, IssuedToken?)]
        var deadlineExceeded: Bool
    }

    /// Runs the grants in a child task so that a deadline or the caller's
    /// cancellation stops them, while the results gathered so far survive.
    private func grantWithDeadline(
        _ clients: [ClientDefinition], order: [Int], contexts: [String: IssuerContext], state: TokenState,
        start: ContinuousClock.Instant
    ) async -> GrantRun {
        guard let deadline = options.deadline else {
            return GrantRun(outcomes: await grantAll(clients, order: order, contexts: contexts, state: state), deadlineExceeded: false)
        }
        // The grants race a clock sleep; whichever ends first cancels the
        // other (cancelled grants still return what they gathered). A
        // caller's cancellation reaches both through the group.
        enum Finished: Sendable {
            case grants([(ClientResult, IssuedToken?)])
            case deadline
            case sleepCancelled
        }
        return await withTaskGroup(of: Finished.self) { group in
            group.addTask { .grants(await self.grantAll(clients, order: order, contexts: contexts, state: state)) }
            group.addTask {
                // The deadline counts from the start of the run, planning included.
                guard (try? await Task.sleep(until: start + deadline, clock: .continuous)) != nil else { return .sleepCancelled }
                return .deadline
            }
            var run = GrantRun(outcomes: [], deadlineExceeded: false)
            var grantsDone = false
            while let finished = await group.next() {
                switch finished {
                case .grants(let outcomes):
                    run.outcomes = outcomes
                    grantsDone = true
                    group.cancelAll()
                case .deadline:
                    run.deadlineExceeded = !grantsDone
                    group.cancelAll()
                case .sleepCancelled:
                    break
                }
            }
            return run
        }
    }

    /// What one child task of ``grantAll`` reports.
    private enum GrantStep: Sendable {
        case finished(ClientResult, IssuedToken?)
        /// `order[position]` retries from `nextAttempt` after `delay`; its slot is free meanwhile.
        case backingOff(position: Int, nextAttempt: Int, delay: Duration, start: ContinuousClock.Instant)
        /// That wait is over (or the run was stopped during it).
        case woke(position: Int, nextAttempt: Int, start: ContinuousClock.Instant)
    }

    /// A bounded task group over `clients[order[…]]`: fill up to the global
    /// limit, then one in, one out. A client waiting out a retry backoff does
    /// not count against the limit: its wait is a separate sleeping task, and
    /// when it ends the client goes ahead of clients not yet started. So a
    /// failing issuer's backoffs never hold every slot while others wait.
    private func grantAll(
        _ clients: [ClientDefinition], order: [Int], contexts: [String: IssuerContext], state: TokenState
    ) async -> [(ClientResult, IssuedToken?)] {
        let limit = max(1, options.concurrency ?? manifest.defaults.concurrency)
        let dpopHandles = makeDPoPHandles(for: order.lazy.map { clients[$0] })
        var outcomes: [(ClientResult, IssuedToken?)] = []
        outcomes.reserveCapacity(order.count)
        var started = 0
        var active = 0
        var woken: [(position: Int, nextAttempt: Int, start: ContinuousClock.Instant)] = []

        func stoppedWhileWaiting(_ position: Int, attempts: Int, start: ContinuousClock.Instant) -> ClientResult {
            let client = clients[order[position]]
            var result = ClientResult(
                name: client.name, issuer: client.issuerName, clientID: client.clientID, status: .cancelled,
                detail: "the run was stopped while waiting to retry", errorCode: .cancelled,
                expiresAt: state.clients[client.name].flatMap { $0.isValid(at: Date()) ? $0.expiresAt : nil },
                lastSuccess: state.clients[client.name]?.issuedAt)
            result.attempts = attempts
            result.duration = (ContinuousClock.now - start).secondsDouble
            return result
        }

        await withTaskGroup(of: GrantStep.self) { group in
            func launch(_ position: Int, firstAttempt: Int, start: ContinuousClock.Instant) {
                let client = clients[order[position]]
                let cached = state.clients[client.name]
                active += 1
                guard let context = contexts[client.issuerName] else {
                    // The manifest assembler reports a client naming no issuer; such a manifest is never returned.
                    preconditionFailure("client `\(client.name)` names issuer `\(client.issuerName)`, which the manifest does not define")
                }
                let dpop = dpopHandles[client.name]
                group.addTask {
                    await Self.grantOne(
                        client, context: context, dpop: dpop, cached: cached, position: position, firstAttempt: firstAttempt,
                        start: start)
                }
            }
            func fill() {
                while active < limit && !Task.isCancelled {
                    if !woken.isEmpty {
                        let next = woken.removeFirst()
                        launch(next.position, firstAttempt: next.nextAttempt, start: next.start)
                    } else if started < order.count {
                        launch(started, firstAttempt: 1, start: .now)
                        started += 1
                    } else {
                        break
                    }
                }
            }
            fill()
            while let step = await group.next() {
                switch step {
                case .finished(let result, let token):
                    active -= 1
                    outcomes.append((result, token))
                    observer?.finished(result)
                case .backingOff(let position, let nextAttempt, let delay, let start):
                    active -= 1
                    group.addTask {
                        // Cancelled (stop, deadline): wakes at once and is reported below.
                        try? await Task.sleep(for: delay)
                        return .woke(position: position, nextAttempt: nextAttempt, start: start)
                    }
                case .woke(let position, let nextAttempt, let start):
                    if Task.isCancelled {
                        let result = stoppedWhileWaiting(position, attempts: nextAttempt - 1, start: start)
                        outcomes.append((result, nil))
                        observer?.finished(result)
                    } else {
                        woken.append((position, nextAttempt, start))
                    }
                }
                fill()
            }
        }
        for entry in woken {
            let result = stoppedWhileWaiting(entry.position, attempts: entry.nextAttempt - 1, start: entry.start)
            outcomes.append((result, nil))
            observer?.finished(result)
        }
        for client in order[started...].lazy.map({ clients[$0] }) {
            let result = ClientResult(
                name: client.name, issuer: client.issuerName, clientID: client.clientID, status: .cancelled,
                detail: "not started: the run was stopped", errorCode: .cancelled,
                expiresAt: state.clients[client.name]?.expiresAt, lastSuccess: state.clients[client.name]?.issuedAt)
            outcomes.append((result, nil))
            observer?.finished(result)
        }
        return outcomes
    }

    /// Orders clients round-robin by issuer, so clients of a slow or
    /// rate-limited issuer that come first in the manifest do not hold every
    /// global slot while other issuers' clients wait.
    static func interleavedByIssuer<Item>(_ items: [Item], issuer: (Item) -> String) -> [Item] {
        var queues: [String: [Item]] = [:]
        var order: [String] = []
        for item in items {
            let name = issuer(item)
            if queues[name] == nil { order.append(name) }
            queues[name, default: []].append(item)
        }
        guard order.count > 1 else { return items }
        var result: [Item] = []
        result.reserveCapacity(items.count)
        var index = 0
        while result.count < items.count {
            for name in order where index < queues[name]!.count {
                result.append(queues[name]![index])
            }
            index += 1
        }
        return result
    }

    private static func grantOne(
        _ client: ClientDefinition, context: IssuerContext, dpop: Result<DPoPHandle, any Error>?, cached: TokenState.Entry?,
        position: Int, firstAttempt: Int, start: ContinuousClock.Instant
    ) async -> GrantStep {
        var result = ClientResult(
            name: client.name, issuer: client.issuerName, clientID: client.clientID, status: .failed,
            expiresAt: cached.flatMap { $0.isValid(at: Date()) ? $0.expiresAt : nil }, lastSuccess: cached?.issuedAt)
        var handle: DPoPHandle?
        switch dpop {
        case .success(let value): handle = value
        case .failure(let error):
            result.errorCode = .dpopKey
            result.detail = "cannot use the DPoP key: \(error)"
            return .finished(result, nil)
        case nil: break
        }
        let outcome = await GrantExecutor.grant(client, issuer: context, dpop: handle, firstAttempt: firstAttempt)
        result.duration = (ContinuousClock.now - start).secondsDouble
        switch outcome {
        case .success(let token, let attempts, let warnings):
            result.status = .granted
            result.attempts = attempts
            result.expiresAt = token.expiresAt
            result.lastSuccess = token.issuedAt
            result.detail = warnings.isEmpty ? nil : warnings.joined(separator: "; ")
            return .finished(result, token)
        case .failure(let failure, let attempts):
            result.status = failure.code == .cancelled ? .cancelled : .failed
            result.errorCode = failure.code
            result.detail = failure.message
            result.retryAfter = failure.retryAfter
            result.attempts = attempts
            return .finished(result, nil)
        case .retryLater(let delay, let attempts):
            return .backingOff(position: position, nextAttempt: attempts + 1, delay: delay, start: start)
        }
    }

    private func makeIssuerContexts(for issuerNames: Set<String>, reusing: Bool) -> [String: IssuerContext] {
        var contexts: [String: IssuerContext] = [:]
        for name in issuerNames {
            guard let definition = manifest.issuer(named: name) else { continue }
            contexts[name] = IssuerContext(definition: definition, httpClients: httpClients)
        }
        guard reusing else { return contexts }
        return batchContexts.withLockedValue { kept in
            for (name, fresh) in contexts {
                if let existing = kept[name], !existing.serverLookupFailed {
                    contexts[name] = existing
                } else {
                    kept[name] = fresh
                }
            }
            return contexts
        }
    }

    /// One DPoP handle per client for the run: from its key file, or generated.
    /// They share one nonce store, so each server's `DPoP-Nonce` is learnt
    /// once per run rather than once per client.
    private func makeDPoPHandles(for clients: some Sequence<ClientDefinition>) -> [String: Result<DPoPHandle, any Error>] {
        var handles: [String: Result<DPoPHandle, any Error>] = [:]
        let nonces = DPoPNonceStore()
        for client in clients {
            guard let dpop = client.dpop else { continue }
            handles[client.name] = Result {
                if let key = dpop.signingKey { return try DPoPHandle(key: key, nonces: nonces) }
                return try DPoPHandle.generate(dpop.algorithm, nonces: nonces)
            }
        }
        return handles
    }

    // MARK: - Dry run

    /// Discovery for every issuer involved, then the plan; no token request.
    private func dryRun(_ toGrant: [(client: ClientDefinition, reason: String)], contexts: [String: IssuerContext]) async -> [ClientResult]
    {
        var discoveryProblems: [String: String] = [:]
        for (name, context) in contexts.sorted(by: { $0.key < $1.key }) {
            let settings = toGrant.first { $0.client.issuerName == name }?.client.settings ?? manifest.defaults.settings
            do {
                _ = try await context.server(settings: settings)
            } catch {
                discoveryProblems[name] = String(describing: error)
            }
        }
        return toGrant.map { client, reason in
            if let problem = discoveryProblems[client.issuerName] {
                return ClientResult(
                    name: client.name, issuer: client.issuerName, clientID: client.clientID, status: .failed,
                    detail: "discovery failed: \(problem)", errorCode: .discovery)
            }
            return ClientResult(
                name: client.name, issuer: client.issuerName, clientID: client.clientID, status: .planned,
                detail: "would grant: \(reason)")
        }
    }

    // MARK: - State

    private func loadState() -> TokenState {
        guard let path = options.statePath else { return TokenState() }
        switch Self.readState(path) {
        case .success(let state):
            return state
        case .failure(let problem):
            observer?.warning(problem.message)
            return TokenState()
        }
    }

    /// The state at `path`: empty when the file does not exist yet.
    private static func readState(_ path: String) -> Result<TokenState, StateProblem> {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch let error as FileBytes.ReadError where error.errno == ENOENT {
            return .success(TokenState())
        } catch {
            return .failure(
                StateProblem(
                    message:
                        "the token state file \(path) cannot be read (\(error)); every client is granted and the file is left as it is",
                    unreadable: true))
        }
        do {
            return .success(try TokenState.decode(bytes))
        } catch {
            return .failure(
                StateProblem(
                    message: "the token state file \(path) is not valid (\(error)); every client is granted and the file is replaced",
                    unreadable: false))
        }
    }

    /// Saves granted tokens. The file is read again first and merged, so runs
    /// of other manifests or shards sharing it keep their entries; entries of
    /// clients this manifest does not know are dropped only once they expired.
    private func saveState(
        _ loaded: TokenState, newTokens: [String: IssuedToken], rerendered: [String], stamps: [String: String], now: Date
    ) async -> WriteFailure? {
        guard let path = options.statePath else { return nil }
        guard !newTokens.isEmpty || !rerendered.isEmpty || !FileBytes.exists(path) else { return nil }
        // Read, merge and replace under the lock, so a concurrent run sharing
        // the file cannot save in between and lose its entries.
        let lock: StateFileLock
        do {
            lock = try await StateFileLock.acquire(statePath: path, timeout: options.stateLockTimeout) { observer?.warning($0) }
        } catch {
            return WriteFailure(.state, error.message)
        }
        defer { withExtendedLifetime(lock) {} }
        var next: TokenState
        switch Self.readState(path) {
        case .success(let current): next = current
        // Unreadable (permissions, I/O): never overwrite what could not be read.
        case .failure(let problem) where problem.unreadable: return WriteFailure(.state, problem.message)
        case .failure: next = TokenState()
        }
        for (name, entry) in loaded.clients where next.clients[name] == nil {
            next.clients[name] = entry
        }
        Self.merge(newTokens, rerendered: rerendered, stamps: stamps, into: &next, manifest: manifest, now: now)
        do {
            let url = URL(fileURLWithPath: path)
            let writer = AtomicFileWriter(root: url.deletingLastPathComponent().path)
            _ = try writer.write(try next.encoded(), to: path, mode: 0o600)
            return nil
        } catch {
            return WriteFailure(.state, "the token state file \(path) was not saved: \(error)")
        }
    }
}

extension Runner {
    /// Puts a batch's new tokens and re-rendered stamps into `state`, and
    /// drops entries of clients the manifest no longer has once they expired.
    static func merge(
        _ newTokens: [String: IssuedToken], rerendered: [String], stamps: [String: String], into state: inout TokenState,
        manifest: Manifest, now: Date
    ) {
        for (name, token) in newTokens {
            guard let client = manifest.client(named: name) else { continue }
            state.clients[name] = TokenState.Entry(
                token: token, fingerprint: client.fingerprint, outputsDigest: OutputStage.outputsDigest(client.outputs),
                outputsStamp: stamps[name])
        }
        for name in rerendered {
            guard let client = manifest.client(named: name) else { continue }
            state.clients[name]?.outputsDigest = OutputStage.outputsDigest(client.outputs)
            state.clients[name]?.outputsStamp = stamps[name]
        }
        // Dropped in place (a filtered copy of 10,000 entries would be the end's largest allocation).
        let dropped = state.clients.compactMap { name, entry in
            manifest.client(named: name) != nil || entry.isValid(at: now) ? nil : name
        }
        for name in dropped { state.clients[name] = nil }
    }
}

/// Why the token state file could not be used.
struct StateProblem: Error {
    let message: String
    /// The file exists but could not be read (as opposed to being corrupt).
    let unreadable: Bool
}
