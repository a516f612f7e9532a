import ArgumentParser
import Foundation
import Logging
import OAuthClient
import Provisioner

/// `tokensmith exec MANIFEST... -- COMMAND [ARGS...]`: grant what is due, then become COMMAND with the tokens in its environment.
struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grant what is due, then run a program (replacing tokensmith) with the tokens in its environment.",
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

    @Option(
        help: ArgumentHelp(
            "Only these clients: names and globs, comma-separated (e.g. billing,report*); each must match a client.", valueName: "names"))
    var only: String?

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

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("Give at least one manifest file, then -- and the program to run.") }
        if command.isEmpty { throw ValidationError("Give the program to run after --, e.g. tokensmith exec tokens.yaml -- ./server.") }
        if let only, NameFilter(parsing: only).patterns.isEmpty {
            throw ValidationError("--only needs at least one client name or glob, e.g. --only billing,report*.")
        }
        if noState && stateFile != nil { throw ValidationError("Use either --state-file or --no-state, not both.") }
    }

    func run() async throws {
        var logger = Logger(label: "tokensmith") { _ in
            LineLogHandler(json: global.logFormat == .json, level: global.quiet ? .error : .warning)
        }
        logger.logLevel = global.quiet ? .error : .warning
        let environment = ProcessInfo.processInfo.environment
        var loader = ManifestLoader(environment: environment, outputRoot: global.outputRoot)
        loader.shard = sharding.resolved(environment: environment)
        let loaded = loader.load(paths: manifests)
        let rendered = ValidationOutput.render(loaded, json: global.logFormat == .json, includeWarnings: !global.quiet)
        if !rendered.isEmpty { StandardErrorLock.write(rendered + "\n") }
        guard let manifest = loaded.manifest, loaded.errorCount == 0 else {
            logger.error("the manifest has errors; nothing was contacted and the program was not started")
            throw ExitCode(2)
        }
        let filter = only.map(NameFilter.init(parsing:)) ?? NameFilter(patterns: [])
        let unmatched = filter.unmatchedPatternMessages(in: manifest.clients.map(\.name))
        if !unmatched.isEmpty {
            for message in unmatched + ["the program was not started; correct --only"] { logger.error("\(message)") }
            throw ExitCode(2)
        }

        var options = RunOptions(filter: filter, shard: loader.shard, force: force, statePath: statePath(manifest: manifest))
        options.writesOutputs = writeOutputs
        let force = force
        let (outcome, selected) = try await OAuthHTTP.withHTTPClients(connectionsPerHost: manifest.defaults.concurrency) { httpClients in
            let runner = Runner(manifest: manifest, options: options, httpClients: httpClients)
            let outcome = await runner.runBatch(state: runner.initialState(), now: Date(), writesUnchanged: true) { client, cached, now in
                RenewalPlan.decide(client: client, cached: cached, force: force, now: now)
            }
            return (outcome, runner.selectedClients)
        }
        let failed = outcome.summary.results.filter { $0.status == .failed || $0.status == .cancelled }
        for result in failed {
            logger.error(
                "\(result.name): \(result.status.rawValue)\(result.errorCode.map { " [\($0)]" } ?? ""): \(result.detail ?? "")")
        }
        for error in outcome.summary.writeErrors { logger.error("write error: \(error)") }
        if !failed.isEmpty && !allowPartial {
            logger.error("the program was not started: \(failed.count) grant(s) failed (--allow-partial starts it without them)")
            throw ExitCode(1)
        }

        var childEnvironment = ExecEnvironment.withoutSecrets(environment, manifest: manifest)
        childEnvironment.merge(ExecEnvironment.tokenVariables(selected, state: outcome.state, now: Date())) { _, token in token }
        fflush(nil)
        let (status, message) = ProcessReplacement.replace(with: command, environment: childEnvironment)
        StandardErrorLock.write("tokensmith: \(message)\n")
        throw ExitCode(status)
    }

    private func statePath(manifest: Manifest) -> String? {
        if noState { return nil }
        if let stateFile { return URL(fileURLWithPath: stateFile).standardizedFileURL.path }
        return manifest.files.first.map { URL(fileURLWithPath: $0.outputRoot).appendingPathComponent(".tokensmith-state.json").path }
    }
}
