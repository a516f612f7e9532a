import ArgumentParser
import Foundation
import Logging
import OAuthClient
import Provisioner
import TerminationSignals

/// `tokensmith watch MANIFEST...`: what `run` does, then stay and keep every token fresh.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Grant and write like run, then stay and renew each token before it expires.",
        discussion: """
            Each client is renewed renew_before ahead of its token's expiry, or once \
            80% of the token's lifetime has passed when renew_before is not shorter \
            than the lifetime, with a little jitter. Clients due within a second of \
            each other share one batch: their outputs are written together and \
            aggregate outputs once. A failed renewal keeps the last good token and \
            outputs and is retried with capped exponential backoff for as long as it \
            fails; other clients go on.

            --health-listen serves /healthz (the loop runs), /readyz (every selected \
            client holds an unexpired token) and /metrics (Prometheus text format).

            Exit status: 0 after SIGTERM or SIGINT (in-flight writes finish or are \
            rolled back, the state is saved); 2 the manifest or command line is \
            wrong; 1 the health listener could not be opened.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(
        help: ArgumentHelp("Manifest files; several are merged.", valueName: "manifest"),
        completion: .file(extensions: ManifestCompletion.extensions))
    var manifests: [String] = []

    @OptionGroup var selection: ClientSelection

    @OptionGroup var sharding: ShardOptions

    @Option(help: "Grants in flight at once (overrides the manifest's concurrency).")
    var concurrency: Int?

    @Flag(help: "Grant every selected client at start, even when its cached token is still fresh.")
    var force = false

    @Option(
        help: ArgumentHelp(
            "Serve /healthz, /readyz and /metrics on this address (e.g. 127.0.0.1:9464; [::]:9464 for every interface).",
            valueName: "address:port"))
    var healthListen: String?

    @Option(
        help: ArgumentHelp("Rewrite Prometheus metrics (node_exporter textfile format) to this file after each batch.", valueName: "file"),
        completion: .file())
    var metricsFile: String?

    @Option(help: ArgumentHelp("The longest wait between retries of a failing client (default 5m).", valueName: "duration"))
    var maxRetryInterval: String?

    @Option(
        help: ArgumentHelp("The token cache (default: .tokensmith-state.json in the first manifest's output root).", valueName: "file"),
        completion: .file())
    var stateFile: String?

    @Flag(help: "Keep the token cache in memory only: a restart grants every client again.")
    var noState = false

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("Give at least one manifest file.") }
        if manifests.contains("-") {
            throw ValidationError("watch reads its manifests again on SIGHUP; give files, not standard input (-).")
        }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1.") }
        if let maxRetryInterval, (DurationText.parse(maxRetryInterval) ?? .zero) < .seconds(1) {
            throw ValidationError("--max-retry-interval takes a duration of at least 1s, like 30s or 5m.")
        }
        if let healthListen, ListenAddress(parsing: healthListen) == nil {
            throw ValidationError("--health-listen takes HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464.")
        }
        if noState && stateFile != nil { throw ValidationError("Use either --state-file or --no-state, not both.") }
    }

    func run() async throws {
        let stop = StopRequest()
        let trap = SignalTrap { signal in stop.request(signal) }
        defer { trap.cancel() }
        let reloads = ReloadRequest()
        let hangUp = SignalTrap(signals: [SIGHUP], label: "tokensmith.reload") { _ in reloads.request() }
        defer { hangUp.cancel() }

        var logger = Logger(label: "tokensmith") { _ in
            LineLogHandler(json: global.logFormat == .json, level: global.quiet ? .error : .info)
        }
        logger.logLevel = global.quiet ? .error : .info
        let environment = ProcessInfo.processInfo.environment
        let filter = selection.filter
        let shard = sharding.resolved(environment: environment)
        guard var manifest = loadManifest(environment: environment, shard: shard, filter: filter, logger: logger) else {
            logger.error("the manifest has errors; nothing was contacted and nothing written")
            throw ExitCode(2)
        }

        let status = WatchStatus()
        let metrics = WatchMetrics()
        var server: HealthServer?
        if let healthListen, let address = ListenAddress(parsing: healthListen) {
            do {
                server = try await HealthServer.start(host: address.host, port: address.port, status: status, metrics: metrics)
                logger.info("health endpoints listening", metadata: ["address": .string(server?.localAddress ?? healthListen)])
            } catch {
                logger.error("--health-listen \(healthListen) could not be opened: \(error); choose a free port")
                throw ExitCode(1)
            }
        }

        let options = RunOptions(filter: filter, shard: shard, concurrency: concurrency, statePath: statePath(manifest: manifest))
        let inFlight = options.concurrency ?? manifest.defaults.concurrency
        let backoff = WatchBackoff(maximum: maxRetryInterval.flatMap(DurationText.parse) ?? .seconds(300))
        let console = WatchConsole(logger: logger)
        let metricsFile = metricsFile
        let log = logger
        let dispatcher = NotifyDispatcher { outcome in
            let metadata: Logger.Metadata = [
                "action": .string(outcome.action.description), "clients": .string(outcome.clients.joined(separator: ",")),
                "result": .string(outcome.detail),
            ]
            if outcome.succeeded {
                log.info("notified", metadata: metadata)
            } else {
                log.error("notify failed", metadata: metadata)
            }
        }
        try await OAuthHTTP.withHTTPClients(connectionsPerHost: inFlight) { httpClients in
            var carried: TokenState?
            var first = true
            while true {
                let runner = Runner(manifest: manifest, options: options, observer: console, httpClients: httpClients)
                let watcher = Watcher(runner: runner, status: status, backoff: backoff, force: first && force, state: carried)
                log.info("watching", metadata: ["clients": .stringConvertible(runner.selectedClients.count)])
                let task = Task {
                    await watcher.run { outcome, next in
                        console.batchFinished(outcome.summary, next: next)
                        dispatcher.trigger(NotifyPlan.triggers(after: outcome.summary, manifest: runner.manifest))
                        if let metricsFile {
                            let text = PrometheusMetrics.render(
                                results: outcome.summary.results, runDuration: outcome.summary.duration, finishedAt: Date())
                            if let problem = SideFile.write(Array(text.utf8), to: metricsFile, what: "metrics file", mode: 0o644) {
                                log.error("\(problem)")
                            }
                        }
                    }
                }
                reloads.attach { watcher.requestReload() }
                stop.attach(task) { signal in
                    log.info("received signal \(signal); stopping (files are written whole or not at all)")
                }
                first = false
                switch await task.value {
                case .stopped:
                    return
                case .reload(let state):
                    carried = state
                    log.info("received SIGHUP; reloading the manifests")
                    if let reloaded = loadManifest(environment: environment, shard: shard, filter: filter, logger: log) {
                        log.info("reloaded", metadata: Self.changes(from: manifest, to: reloaded))
                        manifest = reloaded
                    } else {
                        log.error("the reloaded manifests have errors; the running configuration is kept")
                    }
                }
            }
        }
        status.update { $0.running = false }
        // Notify commands in flight finish (each within its timeout).
        await dispatcher.drain()
        await server?.close()
        logger.info("stopped")
        exitSkippingTeardown(0, keepingAlive: manifest)
    }

    /// Loads and checks the manifests, printing their diagnostics; nil when
    /// they have errors or an `--only` pattern matches no client.
    private func loadManifest(environment: [String: String], shard: Shard?, filter: NameFilter, logger: Logger) -> Manifest? {
        guard let manifest = CommandManifests.load(manifests, global: global, shard: shard, environment: environment) else { return nil }
        let unmatched = filter.unmatchedPatternMessages(in: manifest.clients.map(\.name))
        for message in unmatched { logger.error("\(message); correct --only") }
        return unmatched.isEmpty ? manifest : nil
    }

    /// What a reload changed: clients added, removed, and changed (fingerprint).
    private static func changes(from old: Manifest, to new: Manifest) -> Logger.Metadata {
        let before = Dictionary(old.clients.map { ($0.name, $0.fingerprint) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.clients.map { ($0.name, $0.fingerprint) }, uniquingKeysWith: { first, _ in first })
        let added = after.keys.filter { before[$0] == nil }.count
        let removed = before.keys.filter { after[$0] == nil }.count
        let changed = after.filter { name, fingerprint in before[name].map { $0 != fingerprint } ?? false }.count
        return [
            "clients": .stringConvertible(new.clients.count), "added": .stringConvertible(added), "removed": .stringConvertible(removed),
            "changed": .stringConvertible(changed),
        ]
    }

    private func statePath(manifest: Manifest) -> String? {
        CommandManifests.statePath(stateFile: stateFile, noState: noState, manifest: manifest)
    }
}
