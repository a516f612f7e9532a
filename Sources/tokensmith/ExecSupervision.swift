import ArgumentParser
import Foundation
import Logging
import OAuthClient
import Provisioner
import TerminationSignals

/// `tokensmith exec --watch`: the program runs as a supervised child instead
/// of replacing tokensmith, which keeps its tokens fresh and restarts it with
/// each renewed token.
extension Exec {
    /// The signals passed on to the program without ending supervision (SIGHUP
    /// included: it does not reload the manifests, the program may want it).
    static let relayedSignals: [Int32] = [SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    /// Checks the options that belong to `--watch`.
    func validateWatchOptions() throws {
        guard watch else {
            let given = [("--stop-signal", stopSignal), ("--stop-grace", stopGrace), ("--max-retry-interval", maxRetryInterval)]
            if let (name, _) = given.first(where: { $0.1 != nil }) { throw ValidationError("\(name) applies only with --watch.") }
            return
        }
        if let stopSignal, NotifySignal(parsing: stopSignal) == nil {
            let names = NotifySignal.allCases.map(\.name).joined(separator: ", ")
            throw ValidationError("--stop-signal takes one of \(names) (SIG prefix optional).")
        }
        if let stopGrace, DurationText.parse(stopGrace) == nil {
            throw ValidationError("--stop-grace takes a duration like 10s or 1m (0s sends SIGKILL at once).")
        }
        if let maxRetryInterval, (DurationText.parse(maxRetryInterval) ?? .zero) < .seconds(1) {
            throw ValidationError("--max-retry-interval takes a duration of at least 1s, like 30s or 5m.")
        }
    }

    /// Starts the program as a child with `base` plus the token `variables`,
    /// renews the tokens from `state` on with `runner` (the one that ran the
    /// first batch, so discovery, limits and proxies carry over), restarts the
    /// program when a renewal changes its variables, and exits with the
    /// program's status once it exited by itself or after SIGTERM or SIGINT.
    func supervise(
        runner: Runner, console: WatchConsole, state: TokenState, base: [String: String], variables: [String: String],
        logger: Logger
    ) async throws -> Never {
        let manifest = runner.manifest
        let supervisor = CommandSupervisor(
            command: command, stopSignal: stopSignal.flatMap(NotifySignal.init(parsing:))?.number ?? SIGTERM,
            stopGrace: stopGrace.flatMap(DurationText.parse) ?? .seconds(10))
        let stop = StopRequest()
        let trap = SignalTrap { signal in
            supervisor.forward(signal, endingSupervision: true)
            stop.request(signal)
        }
        let relay = SignalTrap(signals: Self.relayedSignals, label: "tokensmith.relay") { signal in
            supervisor.forward(signal, endingSupervision: false)
        }
        fflush(nil)
        do {
            try supervisor.start(environment: base.merging(variables) { _, token in token })
        } catch let error as ChildProcess.SpawnError {
            let problem = error.shellStatus == 127 ? "command not found" : String(cString: strerror(error.code))
            StandardErrorLock.write("tokensmith: \(error.program): \(problem)\n")
            exitSkippingTeardown(error.shellStatus, keepingAlive: manifest)
        }
        let log = logger
        if let pid = supervisor.pid { log.info("started the program", metadata: ["pid": .stringConvertible(Int(pid))]) }

        let backoff = WatchBackoff(maximum: maxRetryInterval.flatMap(DurationText.parse) ?? .seconds(300))
        let watching = Task {
            // `--force` applied to the first batch only; the watcher renews when due.
            let watcher = Watcher(runner: runner, status: WatchStatus(), backoff: backoff, state: state)
            var current = variables
            _ = await watcher.run { outcome, next in
                console.batchFinished(outcome.summary, next: next)
                let renewed = Set(outcome.summary.results.filter { $0.status == .granted }.map(\.name))
                let clients = runner.selectedClients.filter { renewed.contains($0.name) }
                let updated = current.merging(ExecEnvironment.tokenVariables(clients, state: outcome.state, now: Date())) { $1 }
                guard updated != current, !Task.isCancelled else { return }
                await Self.restart(supervisor, environment: base.merging(updated) { $1 }, renewed: renewed, logger: log)
                current = updated
            }
        }
        stop.attach(watching) { signal in
            log.info("received signal \(signal); passed it on to the program and wait for it to exit")
        }
        let ended = await supervisor.finished()
        // The batch in flight, if any, stops as a stopped run does (files whole, state saved).
        watching.cancel()
        await watching.value
        trap.cancel()
        relay.cancel()
        switch ended {
        case .status(let status): log.info("the program exited", metadata: ["status": .stringConvertible(Int(status))])
        case .signal(let signal): log.info("the program was ended by a signal", metadata: ["signal": .stringConvertible(Int(signal))])
        }
        exitSkippingTeardown(ended.shellStatus, keepingAlive: manifest)
    }

    /// Stops the program and starts it again with `environment`, saying so.
    private static func restart(_ supervisor: CommandSupervisor, environment: [String: String], renewed: Set<String>, logger: Logger) async
    {
        let old = supervisor.pid
        logger.info(
            "restarting the program with renewed tokens",
            metadata: ["clients": .string(renewed.sorted().joined(separator: ",")), "pid": .stringConvertible(Int(old ?? 0))])
        do {
            if try await supervisor.restart(environment: environment), let pid = supervisor.pid {
                logger.info("restarted the program", metadata: ["pid": .stringConvertible(Int(pid))])
            }
        } catch {
            logger.error("the program could not be started again: \(error)")
        }
    }
}
