/// How one `tokensmith run` behaves, from the command line.
package struct RunOptions: Sendable {
    /// `--only`: names and globs; empty selects every client.
    package var filter: NameFilter
    /// `--shard I/N`: this process's slice of the fleet.
    package var shard: Shard?
    /// `--concurrency`: grants in flight at once; nil uses the manifest's `concurrency`.
    package var concurrency: Int?
    /// `--force`: grant even when the cached token is still valid.
    package var force: Bool
    /// `--all-or-nothing`: if any selected grant fails, change no output at all.
    package var allOrNothing: Bool
    /// `--dry-run`: validate, resolve, discover, print the plan; no token request, no file.
    package var dryRun: Bool
    /// `--deadline`: the whole run's time budget.
    package var deadline: Duration?
    /// The token state file (absolute path), or nil to keep no state.
    package var statePath: String?
    /// Whether outputs are written (false for `exec` without `--write-outputs`:
    /// the tokens then reach only the cache and the program's environment).
    package var writesOutputs = true
    /// How long saving the state waits for another run's lock on it.
    package var stateLockTimeout: Duration = .seconds(30)

    /// Options with every switch off.
    package init(
        filter: NameFilter = NameFilter(patterns: []), shard: Shard? = nil, concurrency: Int? = nil, force: Bool = false,
        allOrNothing: Bool = false, dryRun: Bool = false, deadline: Duration? = nil, statePath: String? = nil
    ) {
        self.filter = filter
        self.shard = shard
        self.concurrency = concurrency
        self.force = force
        self.allOrNothing = allOrNothing
        self.dryRun = dryRun
        self.deadline = deadline
        self.statePath = statePath
    }
}

/// Receives progress while a run goes on (the CLI's progress line and log).
package protocol RunObserver: Sendable {
    /// The plan is made: how many clients will be granted and how many skipped.
    func planned(toGrant: Int, toSkip: Int)
    /// One client is finished (granted, failed, skipped or cancelled).
    func finished(_ result: ClientResult)
    /// Something the operator should know that is not a client result.
    func warning(_ message: String)
}

/// What a run did, for the summary, report, metrics and exit status.
package struct RunSummary: Sendable {
    /// Every selected client's result, sorted by name.
    package var results: [ClientResult]
    /// Wall time of the run in seconds.
    package var duration: Double
    /// The run was stopped by SIGINT/SIGTERM.
    package var interrupted: Bool
    /// The run's `--deadline` passed before every grant finished.
    package var deadlineExceeded: Bool
    /// Problems writing outputs or state; each names the file and what to do.
    package var writeErrors: [WriteFailure]
    /// Files written with new content.
    package var filesWritten: Int
    /// Files left alone because their content was unchanged.
    package var filesUnchanged: Int
    /// Whether `--all-or-nothing` held every output back.
    package var heldBack: Bool

    /// Counts by status.
    package func count(_ status: ClientResult.Status) -> Int {
        results.reduce(0) { $0 + ($1.status == status ? 1 : 0) }
    }

    /// 0 when every selected client has a valid token written, 1 when any
    /// grant or write failed (or the deadline passed), 130 when interrupted.
    package var exitStatus: Int32 {
        if interrupted { return 130 }
        if count(.failed) > 0 || count(.cancelled) > 0 || !writeErrors.isEmpty || deadlineExceeded { return 1 }
        return 0
    }
}
