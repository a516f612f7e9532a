import ArgumentParser
import Foundation
import Logging
import OAuthClient
import Provisioner

/// `tokensmith exec MANIFEST... -- COMMAND [ARGS...]`: grant what is due, then become COMMAND with the tokens in its environment;
/// with `--watch`, run COMMAND as a child and restart it with each renewed token (ExecSupervision.swift).
struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Grant what is due, then run a program (replacing tokensmith, or supervised with --watch) with the tokens in its environment.",
        discussion: """
            The program gets the current environment, without any variable holding \
            a client secret of the manifests, plus each selected client's token: \
            named as the client's env output names them (prefix and keys), or, for a \
            client without one, BILLING_ACCESS_TOKEN, BILLING_TOKEN_TYPE and \
            BILLING_EXPIRES_AT from the client name. The token cache and renew_before \
            apply; nothing but the cache is written unless --write-outputs.

            tokensmith replaces itself with the program (execve): in a container the \
            program is PID 1, gets signals directly, and its exit status is the \
            container's.

            With --watch, tokensmith stays and supervises the program as its child \
            instead: it renews the tokens as watch does and, when a token in the \
            program's environment is renewed, sends --stop-signal (default TERM), \
            waits up to --stop-grace (default 10s), then SIGKILL, and starts the \
            program again with the new tokens. SIGTERM, SIGINT, SIGHUP, SIGQUIT, \
            SIGUSR1 and SIGUSR2 are forwarded to the program (SIGHUP does not reload \
            the manifests); after SIGTERM or SIGINT, or when the program exits by \
            itself (it is not started again), tokensmith exits with the program's \
            status (128 + the signal when a signal ended it). A failed renewal keeps \
            the program running with the tokens it has.

            Exit status (when the program was not started): 1 a selected grant \
            failed (unless --allow-partial); 2 the manifest or command line is wrong; \
            126 the program cannot be run; 127 it was not found.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(
        help: ArgumentHelp("Manifest files, then -- and the program with its arguments.", valueName: "manifest"),
        completion: .file(extensions: ManifestCompletion.extensions))
    var arguments: [String] = []

    /// The words after the command line's first `--` (ArgumentParser hands
    /// them to the positional list too, after the manifests).
    var command: [String] {
        guard let terminator = CommandLine.arguments.firstIndex(of: "--") else { return [] }
        return Array(CommandLine.arguments[(terminator + 1)...])
    }

    /// The positional words before `--`.
    var manifests: [String] { Array(arguments.dropLast(command.count)) }

    @OptionGroup var selection: ClientSelection

    @OptionGroup var sharding: ShardOptions

    @Flag(help: "Grant every selected client, even when its cached token is still valid.")
    var force = false

    @Flag(help: "Also write the manifest's outputs, as run does.")
    var writeOutputs = false

    @Flag(help: "Start the program even when some grants failed (their variables are left out).")
    var allowPartial = false

    @Option(
        help: ArgumentHelp("The token cache (default: .tokensmith-state.json in the first manifest's output root).", valueName: "file"),
        completion: .file())
    var stateFile: String?

    @Flag(help: "Keep no token cache: every selected client is granted.")
    var noState = false

    @Flag(help: "Stay: run the program as a child, renew the tokens as watch does, and restart the program with each renewed token.")
    var watch = false

    @Option(help: ArgumentHelp("With --watch: the signal that stops the program before a restart (default TERM).", valueName: "signal"))
    var stopSignal: String?

    @Option(
        help: ArgumentHelp("With --watch: how long a stopping program may take before SIGKILL (default 10s).", valueName: "duration"))
    var stopGrace: String?

    @Option(help: ArgumentHelp("With --watch: the longest wait between retries of a failing client (default 5m).", valueName: "duration"))
    var maxRetryInterval: String?

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("Give at least one manifest file, then -- and the program to run.") }
        if command.isEmpty { throw ValidationError("Give the program to run after --, e.g. tokensmith exec tokens.yaml -- ./server.") }
        if noState && stateFile != nil { throw ValidationError("Use either --state-file or --no-state, not both.") }
        try validateWatchOptions()
    }

    func run() async throws {
        // --watch says what it renews and restarts, as watch does.
        let level: Logger.Level = global.quiet ? .error : watch ? .info : .warning
        var logger = Logger(label: "tokensmith") { _ in LineLogHandler(json: global.logFormat == .json, level: level) }
        logger.logLevel = level
        let environment = ProcessInfo.processInfo.environment
        let shard = sharding.resolved(environment: environment)
        guard
            let manifest = CommandManifests.load(
                manifests, global: global, shard: shard, environment: environment, expectsOutputs: false)
        else {
            logger.error("the manifest has errors; nothing was contacted and the program was not started")
            throw ExitCode(2)
        }
        let filter = selection.filter
        let unmatched = filter.unmatchedPatternMessages(in: manifest.clients.map(\.name))
        if !unmatched.isEmpty {
            for message in unmatched + ["the program was not started; correct --only"] { logger.error("\(message)") }
            throw ExitCode(2)
        }

        var options = RunOptions(filter: filter, shard: shard, force: force, statePath: statePath(manifest: manifest))
        options.writesOutputs = writeOutputs
        let force = force
        let baseEnvironment = ExecEnvironment.withoutSecrets(environment, manifest: manifest)
        let console = WatchConsole(logger: logger)
        let variables = try await OAuthHTTP.withHTTPClients(connectionsPerHost: manifest.defaults.concurrency) { httpClients in
            // One runner for the first batch and, with --watch, every renewal after it:
            // each issuer is discovered once, and its limits and proxy hold throughout.
            let runner = Runner(manifest: manifest, options: options, observer: watch ? console : nil, httpClients: httpClients)
            let outcome = await runner.runBatch(state: runner.initialState(), now: Date(), writesUnchanged: true) { client, cached, now in
                RenewalPlan.decide(client: client, cached: cached, force: force, now: now)
            }
            try checkFirstBatch(outcome.summary, logger: logger)
            let variables = ExecEnvironment.tokenVariables(runner.selectedClients, state: outcome.state, now: Date())
            if watch {
                try await supervise(
                    runner: runner, console: console, state: outcome.state, base: baseEnvironment, variables: variables, logger: logger)
            }
            return variables
        }
        let childEnvironment = baseEnvironment.merging(variables) { _, token in token }
        fflush(nil)
        let (status, message) = ProcessReplacement.replace(with: command, environment: childEnvironment)
        StandardErrorLock.write("tokensmith: \(message)\n")
        throw ExitCode(status)
    }

    /// Logs each failed grant and write error of the first batch; throws exit
    /// status 1 when a grant failed, unless `--allow-partial`.
    private func checkFirstBatch(_ summary: RunSummary, logger: Logger) throws {
        let failed = summary.results.filter { $0.status == .failed || $0.status == .cancelled }
        for result in failed {
            logger.error(
                "\(result.name): \(result.status.rawValue)\(result.errorCode.map { " [\($0)]" } ?? ""): \(result.detail ?? "")")
        }
        for error in summary.writeErrors { logger.error("write error: \(error)") }
        if !failed.isEmpty && !allowPartial {
            logger.error("the program was not started: \(failed.count) grant(s) failed (--allow-partial starts it without them)")
            throw ExitCode(1)
        }
    }

    func statePath(manifest: Manifest) -> String? {
        CommandManifests.statePath(stateFile: stateFile, noState: noState, manifest: manifest)
    }
}
