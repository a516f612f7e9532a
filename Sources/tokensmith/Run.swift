import ArgumentParser
import Foundation
import Logging
import OAuthClient
import Provisioner
import TerminationSignals

/// `tokensmith run MANIFEST...`: grant every due client and write the outputs.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Get tokens for every due client in the manifests and write the outputs.",
        discussion: """
            Clients whose cached token stays valid longer than renew_before are skipped \
            (--force grants them anyway). A failed grant keeps that client's previous \
            outputs. Progress, logs and the summary go to standard error; standard \
            output carries only outputs written to "-".

            With --shard or --shard-count, aggregate outputs hold this shard's clients \
            only: name their files per shard with ${TOKENSMITH_SHARD} (the shard index), \
            e.g. "json: out/tokens-${TOKENSMITH_SHARD}.json".

            Exit status: 0 every selected client has a valid token written; 1 at least \
            one grant or write failed, or an aggregate output could not be written; 2 \
            the manifest or command line is wrong, or an --only pattern matches no \
            client (nothing contacted, nothing written); 130 interrupted by SIGINT/SIGTERM.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(
        help: ArgumentHelp("Manifest files; several are merged; - reads one from standard input.", valueName: "manifest"),
        completion: .file(extensions: ManifestCompletion.extensions))
    var manifests: [String] = []

    @OptionGroup var selection: ClientSelection

    @OptionGroup var sharding: ShardOptions

    @Option(help: "Grants in flight at once (overrides the manifest's concurrency).")
    var concurrency: Int?

    @Flag(help: "Grant every selected client, even when its cached token is still valid.")
    var force = false

    @Flag(help: "If any selected grant fails, change no output file at all.")
    var allOrNothing = false

    @Flag(
        help:
            "Validate, resolve secrets and run discovery, then print the plan; request no token, write no output or cache (--report still works)."
    )
    var dryRun = false

    @Option(help: ArgumentHelp("Stop the run after this long (e.g. 90s, 5m); unfinished clients count as failed.", valueName: "duration"))
    var deadline: String?

    @Option(
        help: ArgumentHelp("Write a JSON report of every client's outcome (no tokens) to this file.", valueName: "file"),
        completion: .file())
    var report: String?

    @Option(
        help: ArgumentHelp("Write Prometheus metrics (node_exporter textfile format) to this file.", valueName: "file"), completion: .file()
    )
    var metricsFile: String?

    @Option(
        help: ArgumentHelp("The token cache (default: .tokensmith-state.json in the first manifest's output root).", valueName: "file"),
        completion: .file())
    var stateFile: String?

    @Flag(help: "Keep no token cache: every run grants every selected client.")
    var noState = false

    /// How often progress is shown while grants run (tests shorten it); hidden from help.
    @Option(help: ArgumentHelp(visibility: .hidden))
    var progressInterval: String?

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("Give at least one manifest file.") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1.") }
        if let deadline, DurationText.parse(deadline) == nil {
            throw ValidationError("--deadline takes a duration like 90s, 5m or 1h.")
        }
        if noState && stateFile != nil { throw ValidationError("Use either --state-file or --no-state, not both.") }
        if let progressInterval, (DurationText.parse(progressInterval) ?? .zero) <= .zero {
            throw ValidationError("--progress-interval takes a positive duration like 5s or 200ms.")
        }
    }

    func run() async throws {
        // Trap signals first, so a SIGTERM during start-up is a clean stop too.
        let stop = StopRequest()
        let trap = SignalTrap { signal in stop.request(signal) }
        defer { trap.cancel() }

        let environment = ProcessInfo.processInfo.environment
        let shard = sharding.resolved(environment: environment)
        let loaded = CommandManifests.load(manifests, global: global, shard: shard, environment: environment)
        var logger = Logger(label: "tokensmith") { _ in
            LineLogHandler(json: global.logFormat == .json, level: global.quiet ? .error : .info)
        }
        logger.logLevel = global.quiet ? .error : .info
        guard let manifest = loaded else {
            let message = "the manifest has errors; nothing was contacted and nothing written"
            if global.logFormat == .json { logger.error("\(message)") } else { StandardErrorLock.write("tokensmith: \(message)\n") }
            throw ExitCode(2)
        }

        let options = runOptions(manifest: manifest, shard: shard)
        let unmatched = options.filter.unmatchedPatternMessages(in: manifest.clients.map(\.name))
        if !unmatched.isEmpty {
            for message in unmatched + ["nothing was contacted and nothing written; correct --only"] {
                if global.logFormat == .json { logger.error("\(message)") } else { StandardErrorLock.write("tokensmith: \(message)\n") }
            }
            throw ExitCode(2)
        }

        // The parse tree and drafts are gone; hand their pages back before the
        // grants allocate, so the two phases' peaks do not add up.
        ReleaseFreeMemory.now()

        let console = RunConsole(
            logger: logger, json: global.logFormat == .json, quiet: global.quiet,
            interval: progressInterval.flatMap(DurationText.parse))

        // One shared client and connection pool for the run, always shut down.
        // As many connections per server as grants may be in flight: with
        // fewer, the rest would queue inside the HTTP client on their timeout.
        let inFlight = options.concurrency ?? manifest.defaults.concurrency
        let summary = try await OAuthHTTP.withHTTPClients(connectionsPerHost: inFlight) { httpClients in
            let runner = Runner(manifest: manifest, options: options, observer: console, httpClients: httpClients)
            let task = Task { await runner.run() }
            console.start()
            stop.attach(task) { signal in
                console.warning("received signal \(signal); stopping (files are written whole or not at all)")
            }
            return await task.value
        }
        console.stop()

        let finished = finish(summary, logger: logger)
        exitSkippingTeardown(finished.exitStatus, keepingAlive: manifest, finished)
    }

    private func runOptions(manifest: Manifest, shard: Shard?) -> RunOptions {
        let statePath = CommandManifests.statePath(stateFile: stateFile, noState: noState, manifest: manifest)
        return RunOptions(
            filter: selection.filter, shard: shard,
            concurrency: concurrency, force: force, allOrNothing: allOrNothing, dryRun: dryRun,
            deadline: deadline.flatMap(DurationText.parse), statePath: statePath)
    }

    /// Writes metrics and report, then prints the summary; a side file that
    /// could not be written joins the summary's write errors (so the summary
    /// names every reason for exit status 1). Returns the summary as printed.
    private func finish(_ summary: RunSummary, logger: Logger) -> RunSummary {
        var summary = summary
        let finishedAt = Date()
        if let metricsFile, !dryRun {
            let text = PrometheusMetrics.render(results: summary.results, runDuration: summary.duration, finishedAt: finishedAt)
            if let error = SideFile.write(Array(text.utf8), to: metricsFile, what: "metrics file", mode: 0o644) {
                summary.writeErrors.append(error)
            }
        }
        if let report, let error = SideFile.write(RunReport.render(summary, finishedAt: finishedAt), to: report, what: "report") {
            summary.writeErrors.append(error)
        }
        if global.logFormat == .json {
            for error in summary.writeErrors { logger.error("write error: \(error)") }
            logger.info(
                "run finished",
                metadata: [
                    "granted": .stringConvertible(summary.count(.granted)), "skipped": .stringConvertible(summary.count(.skipped)),
                    "failed": .stringConvertible(summary.count(.failed)), "cancelled": .stringConvertible(summary.count(.cancelled)),
                    "planned": .stringConvertible(summary.count(.planned)), "write_errors": .stringConvertible(summary.writeErrors.count),
                    "duration_seconds": .stringConvertible(summary.duration), "exit_status": .stringConvertible(Int(summary.exitStatus)),
                ])
        } else if !global.quiet || summary.exitStatus != 0 {
            StandardErrorLock.write(global.quiet ? failuresOnly(summary) : SummaryTable.render(summary, now: finishedAt))
        }
        return summary
    }

    private func failuresOnly(_ summary: RunSummary) -> String {
        var text = ""
        for result in summary.results where result.status == .failed || result.status == .cancelled {
            text += "tokensmith: \(result.name): \(result.status.rawValue)"
            if let code = result.errorCode { text += " [\(code)]" }
            if let detail = result.detail { text += ": \(detail)" }
            text += "\n"
        }
        for error in summary.writeErrors { text += "tokensmith: write error: \(error)\n" }
        return text
    }
}
