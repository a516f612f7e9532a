import Foundation
import TestProcessSupport
import LocalIssuer
import NIOConcurrencyHelpers
import Testing

/// `tokensmith watch` end to end: the built binary against a LocalIssuer that
/// issues tokens of a few seconds, so renewals happen while the test watches.
/// Assertions follow the order of events the process logs, never wall time.
@Suite("tokensmith watch (built binary)")
struct WatchEndToEndTests {
    static func manifest(_ issuer: LocalIssuer, renewBefore: String = "10m") -> String {
        """
        version: 1
        defaults:
          renew_before: \(renewBefore)
          retry: {attempts: 1}
        issuers:
          local:
            issuer: \(issuer.issuer)
            allow_insecure_http: true
        clients:
          - {name: short, issuer: local, client_id: short, auth: {method: client_secret_basic, secret: s}, outputs: [{env: out/short.env}]}
          - {name: long, issuer: local, client_id: long, auth: {method: client_secret_basic, secret: s}, outputs: [{env: out/long.env}]}
        outputs:
          - json: out/all.json

        """
    }

    static func clients(shortFaults: [Fault] = []) -> [RegisteredClient] {
        [
            RegisteredClient(id: "short", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3, faults: shortFaults),
            RegisteredClient(id: "long", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3600),
        ]
    }

    /// The access token an env file holds.
    static func token(in env: String?) -> String? {
        env?.split(separator: "\n").first { $0.hasPrefix("ACCESS_TOKEN=") }.map { String($0.dropFirst("ACCESS_TOKEN=".count)) }
    }

    /// `GET url` with curl: the status code and the body.
    static func get(_ url: String, harness: RunHarness) async throws -> (status: Int, body: String) {
        let result = try await harness.run(
            ["-s", "-w", "\n%{http_code}", url], executable: URL(fileURLWithPath: "/usr/bin/curl"))
        var lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.popLast() ?? "") ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// The `address=HOST:PORT` the process logged for its health endpoints.
    static func healthAddress(_ errors: PipeCollector) async throws -> String {
        #expect(await errors.waitFor("health endpoints listening"))
        let line = try #require(errors.textSoFar().split(separator: "\n").first { $0.contains("health endpoints listening") })
        let field = try #require(line.split(separator: " ").first { $0.hasPrefix("address=") })
        return "http://" + field.dropFirst("address=".count)
    }

    @Test("renews the short-lived client again and again, not the long-lived one; SIGTERM exits 0 with no temporary file")
    func renewsBeforeExpiry() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            let issuer = issuers[0]
            try harness.write(Self.manifest(issuer), to: "watch.yaml")
            let stop = NIOLockedValueBox(false)
            var seen: [String] = []
            let result = try await harness.run(["watch", "watch.yaml"], signalWhen: { stop.withLockedValue { $0 } }) { errors in
                // Renewals of `short` (3-second tokens, renewed at 80 % of their life):
                // the file is sampled after each renewal line (it is written
                // before the line is logged) until it has been seen to change
                // and four renewals passed. A starved test process may sample
                // late, several renewals at once, so it waits for more, up to 12.
                var count = 0
                while count < 12, count < 4 || seen.count < 2 {
                    count += 1
                    guard await errors.waitFor("renewed client=short", count: count) else { break }
                    if let token = Self.token(in: harness.read("out/short.env")), seen.last != token { seen.append(token) }
                }
                #expect(count >= 4)
                stop.withLockedValue { $0 = true }
            }
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.contains("stopped"))
            let statistics = issuer.statistics()
            #expect((statistics.tokensIssuedByClient["short"] ?? 0) >= 4)
            #expect(statistics.tokensIssuedByClient["long"] == 1)
            #expect(statistics.discoveryRequests == 1)
            // The file changed between the first and the fourth renewal, never
            // back to an older token, and ends with the newest one (the cache's).
            // (Samples follow the log lines; on a loaded machine several renewals
            // may pass between two samples.)
            #expect(seen.count >= 2)
            #expect(Set(seen).count == seen.count)
            let state = try jsonObject(harness.read(".tokensmith-state.json"))
            let cachedShort = ((state["clients"] as? [String: Any])?["short"] as? [String: Any])?["accessToken"] as? String
            let fileIsNewest = cachedShort != nil && cachedShort == Self.token(in: harness.read("out/short.env"))
            #expect(fileIsNewest)
            // The aggregate holds the newest token of each client.
            let all = try jsonObject(harness.read("out/all.json"))
            let short = (all["clients"] as? [String: Any])?["short"] as? [String: Any]
            // Compared as a Bool: a failure must not print the token.
            let aggregateIsNewest = short?["access_token"] as? String == Self.token(in: harness.read("out/short.env"))
            #expect(aggregateIsNewest)
            #expect(!harness.allFiles().contains { $0.contains(".tmp") || $0.contains(".tokensmith-tmp") })
            // The state file holds what the outputs hold, so a restart does not grant `long` again.
            let restarted = try await harness.run(["run", "watch.yaml"])
            #expect(restarted.status == 0)
            #expect(issuer.statistics().tokensIssuedByClient["long"] == 1)
        }
    }

    @Test("an outage keeps the last good token and outputs, turns /readyz to 503 at expiry, and watch recovers by itself")
    func outageAndRecovery() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            let issuer = issuers[0]
            try harness.write(Self.manifest(issuer), to: "watch.yaml")
            let stop = NIOLockedValueBox(false)
            let result = try await harness.run(
                ["watch", "watch.yaml", "--health-listen", "127.0.0.1:0", "--max-retry-interval", "1s"],
                environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                signalWhen: { stop.withLockedValue { $0 } }
            ) { errors in
                let base = try await Self.healthAddress(errors)
                #expect(await errors.waitFor("batch finished"))
                let ready = try await Self.get(base + "/readyz", harness: harness)
                #expect(ready.status == 200, "\(ready.body)")
                #expect(try await Self.get(base + "/healthz", harness: harness).status == 200)

                // The issuer goes down for `short`. The last good outputs are
                // read after the first failed renewal: a renewal that succeeded
                // while the test was starved between "batch finished" and the
                // outage would otherwise count as a change (renewals of one
                // client never overlap, so nothing is written after this).
                issuer.register(
                    RegisteredClient(
                        id: "short", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3,
                        faults: [.serverError(status: 503, times: 1_000_000)]))
                #expect(await errors.waitFor("renewal failed", count: 1))
                let kept = harness.read("out/short.env")
                let keptAggregate = harness.read("out/all.json")
                #expect(Self.token(in: kept) != nil)
                #expect(await errors.waitFor("renewal failed", count: 3))
                // Compared as Bools throughout: a failure must not print a token.
                let envKept = harness.read("out/short.env") == kept
                let aggregateKept = harness.read("out/all.json") == keptAggregate
                #expect(envKept)
                #expect(aggregateKept)

                // Past the token's expiry (retries keep failing meanwhile), readiness fails and names the client.
                var unready = try await Self.get(base + "/readyz", harness: harness)
                var failuresSeen = 3
                while unready.status == 200 {
                    failuresSeen += 1
                    #expect(await errors.waitFor("renewal failed", count: failuresSeen))
                    unready = try await Self.get(base + "/readyz", harness: harness)
                }
                #expect(unready.status == 503)
                #expect(unready.body.contains("short"))
                #expect(!unready.body.contains("long"))
                let envStillKept = harness.read("out/short.env") == kept
                #expect(envStillKept)

                let metrics = try await Self.get(base + "/metrics", harness: harness)
                #expect(metrics.status == 200)
                try await Self.checkMetrics(metrics.body, harness: harness)
                #expect(metrics.body.contains("tokensmith_client_failed{client=\"short\",issuer=\"local\"} 1"))
                let metricsHoldToken = metrics.body.contains(Self.token(in: kept) ?? "no token")
                #expect(!metricsHoldToken)

                // The issuer comes back: the next retry renews, and readiness returns.
                issuer.register(RegisteredClient(id: "short", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3))
                let renewalsBefore = errors.textSoFar().components(separatedBy: "renewed client=short").count - 1
                #expect(await errors.waitFor("renewed client=short", count: renewalsBefore + 1))
                let envRenewed = harness.read("out/short.env") != kept
                #expect(envRenewed)
                #expect(try await Self.get(base + "/readyz", harness: harness).status == 200)
                stop.withLockedValue { $0 = true }
            }
            #expect(result.status == 0, "\(result.standardError)")
            #expect(issuer.statistics().tokensIssuedByClient["long"] == 1)
        }
    }

    /// Parses the exposition with the Prometheus project's own Python parser
    /// and checks the per-client families are there.
    static func checkMetrics(_ text: String, harness: RunHarness) async throws {
        try harness.write(text, to: "metrics.txt")
        let script = """
            import sys
            from prometheus_client.parser import text_string_to_metric_families
            names = {f.name for f in text_string_to_metric_families(open(sys.argv[1]).read())}
            need = {"tokensmith_client_token_expiry_timestamp_seconds", "tokensmith_client_renewals",
                    "tokensmith_client_renewal_failures", "tokensmith_client_next_renewal_timestamp_seconds",
                    "tokensmith_client_failed", "tokensmith_watch_clients", "tokensmith_client_grant_duration_seconds",
                    "tokensmith_client_grant_attempts", "tokensmith_run_clients", "tokensmith_run_duration_seconds",
                    "tokensmith_run_finished_timestamp_seconds", "tokensmith_client_last_success_timestamp_seconds",
                    "tokensmith_watch_batches"}
            missing = need - names
            print("missing: " + ", ".join(sorted(missing)) if missing else "ok")
            """
        let result = try await harness.run(
            ["python3", "-c", script, harness.folder.appendingPathComponent("metrics.txt").path],
            environment: ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(result.standardError)")
    }

    @Test("a health address already in use: exit 1, naming the address, before any grant")
    func healthPortInUse() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "watch.yaml")
            let stop = NIOLockedValueBox(false)
            // A first watch holds a port; a second asks for the same one.
            _ = try await harness.run(
                ["watch", "watch.yaml", "--health-listen", "127.0.0.1:0", "--no-state"], signalWhen: { stop.withLockedValue { $0 } }
            ) { errors in
                let base = try await Self.healthAddress(errors)
                let address = String(base.dropFirst("http://".count))
                let second = try await harness.run(["watch", "watch.yaml", "--health-listen", address, "--no-state"])
                #expect(second.status == 1)
                #expect(second.standardError.contains(address))
                #expect(!second.standardError.contains("renewed"))
                stop.withLockedValue { $0 = true }
            }
        }
    }

    @Test("command-line mistakes exit 2 with a hint")
    func commandLineMistakes() async throws {
        let harness = try RunHarness()
        try harness.write("version: 1\n", to: "empty.yaml")
        for arguments in [
            ["watch", "empty.yaml", "--health-listen", "9464"], ["watch", "-"], ["watch", "empty.yaml", "--max-retry-interval", "0s"],
        ] {
            let result = try await harness.run(arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(!result.standardError.isEmpty)
        }
    }

    @Test(
        "SIGHUP reloads: added clients are granted, removed ones leave the aggregate, changed ones are granted again; a broken manifest is refused and the running one kept"
    )
    func reload() async throws {
        let harness = try RunHarness()
        var registered = Self.clients()
        registered.append(RegisteredClient(id: "extra", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3600))
        try await withIssuers([LocalIssuer.Configuration(clients: registered)]) { issuers in
            let issuer = issuers[0]
            let original = Self.manifest(issuer, renewBefore: "1s")
            try harness.write(original, to: "watch.yaml")
            let result = try await harness.run(
                ["watch", "watch.yaml"],
                duringProcess: { errors, pid in
                    #expect(await errors.waitFor("batch finished"))
                    #expect(try jsonObject(harness.read("out/all.json"))["clients"].map { ($0 as? [String: Any])?["long"] != nil } == true)

                    // `long` removed, `extra` added, `short` asks for a scope now.
                    let edited =
                        original
                        .replacingOccurrences(
                            of: "  - {name: long, issuer: local, client_id: long", with: "  - {name: extra, issuer: local, client_id: extra"
                        )
                        .replacingOccurrences(of: "outputs: [{env: out/long.env}]", with: "outputs: [{env: out/extra.env}]")
                        .replacingOccurrences(of: "client_id: short,", with: "client_id: short, scope: [read],")
                    try harness.write(edited, to: "watch.yaml")
                    let shortGrants = issuer.statistics().tokensIssuedByClient["short"] ?? 0
                    kill(pid, SIGHUP)
                    #expect(await errors.waitFor("reloaded"))
                    let reloadLine = errors.textSoFar().split(separator: "\n").first { $0.contains("reloaded") } ?? ""
                    #expect(
                        reloadLine.contains("added=1") && reloadLine.contains("removed=1") && reloadLine.contains("changed=1"),
                        "\(reloadLine)")
                    #expect(await errors.waitFor("renewed client=extra"))
                    let aggregate = try jsonObject(harness.read("out/all.json"))["clients"] as? [String: Any] ?? [:]
                    #expect(Set(aggregate.keys) == ["short", "extra"])
                    #expect((issuer.statistics().tokensIssuedByClient["short"] ?? 0) > shortGrants)

                    // A broken manifest: refused, and the running configuration goes on.
                    try harness.write(edited + "  - {name: broken\n", to: "watch.yaml")
                    kill(pid, SIGHUP)
                    #expect(await errors.waitFor("the running configuration is kept"))
                    let renewals = errors.textSoFar().components(separatedBy: "renewed client=short").count - 1
                    #expect(await errors.waitFor("renewed client=short", count: renewals + 1))
                    kill(pid, SIGTERM)
                })
            #expect(result.status == 0, "\(result.standardError)")
            #expect(result.standardError.contains("watch.yaml:"))
            #expect(issuer.statistics().tokensIssuedByClient["long"] == 1)
            #expect(issuer.statistics().tokensIssuedByClient["extra"] == 1)
        }
    }

    @Test(
        "notify: a command runs after each renewal is written, one at a time with changes coalesced; a signal reaches the process in the PID file"
    )
    func notify() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            // A consumer that counts SIGHUPs, and a slow reload command that logs
            // its start and end. (The consumer must keep the descriptors it
            // inherits: Foundation's Process takes one closing for its exit.)
            try harness.write(
                """
                import os, signal, time
                # Whatever the test process blocked or ignored, this process takes SIGHUP.
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGHUP})
                signal.signal(signal.SIGHUP, lambda *_: open("hups.txt", "a").write("hup\\n"))
                open("app.pid", "w").write(str(os.getpid()))
                while True:
                    time.sleep(0.05)

                """, to: "consumer.py")
            let consumer = SpawnedProcess()
            consumer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            consumer.arguments = [harness.folder.appendingPathComponent("consumer.py").path]
            consumer.currentDirectoryURL = harness.folder
            consumer.standardInput = .null
            consumer.standardOutput = .null
            consumer.standardError = .null
            try consumer.run()
            defer { consumer.terminate() }
            while !harness.exists("app.pid") { try await Task.sleep(for: .milliseconds(20)) }

            let manifest = Self.manifest(issuers[0])
                .replacingOccurrences(
                    of: "outputs: [{env: out/short.env}]",
                    with: "outputs: [{env: out/short.env, notify: {signal: HUP, pid_file: app.pid}}]"
                )
                .replacingOccurrences(
                    of: "outputs: [{env: out/long.env}]",
                    with:
                        #"outputs: [{env: out/long.env, notify: {command: [python3, -c, "import os; l = sorted(int(x) for x in os.listdir('/proc/self/fd')); open('fds.txt', 'w').write(str(l))"]}}]"#
                )
                .replacingOccurrences(
                    of: "  - json: out/all.json\n",
                    with: """
                          - json: out/all.json
                            notify:
                              - command: [sh, -c, 'echo "start $TOKENSMITH_CHANGED_CLIENTS" >> reloads.txt; sleep 8; echo end >> reloads.txt']

                        """)
            try harness.write(manifest, to: "watch.yaml")
            let validated = try await harness.run(["validate", "watch.yaml"])
            #expect(validated.status == 0, "\(validated.standardError)")

            let result = try await harness.run(
                ["watch", "watch.yaml"],
                duringProcess: { errors, pid in
                    // Renewals every ~2.4 s while each reload takes 8 s: triggers overlap and are coalesced.
                    #expect(await errors.waitFor("notified action=command", count: 2))
                    #expect(await errors.waitFor("renewed client=short", count: 4))
                    kill(pid, SIGTERM)
                })
            #expect(result.status == 0, "\(result.standardError)")
            // One run at a time: every start is followed by its end before the next start.
            let reloads = (harness.read("reloads.txt") ?? "").split(separator: "\n").map(String.init)
            #expect(reloads.count >= 4)
            for (index, line) in reloads.enumerated() {
                #expect(line.hasPrefix(index % 2 == 0 ? "start" : "end"), "\(reloads)")
            }
            #expect(reloads.first == "start long,short")
            // Fewer reloads than renewals: overlapping changes were coalesced.
            let renewals = result.standardError.components(separatedBy: "renewed client=short").count - 1
            #expect(reloads.count / 2 < renewals)
            // The consumer got a SIGHUP for each renewal of `short` (its handler
            // may still be writing the last ones: wait for them, within reason).
            var hups = 0
            for _ in 0..<100 {
                hups = (harness.read("hups.txt") ?? "").split(separator: "\n").count
                if hups >= renewals - 1 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(hups >= renewals - 1 && hups <= renewals, "\(hups) SIGHUPs for \(renewals) renewals: \(result.standardError)")
            // A notify command inherits standard input, output and error only
            // (3 is its own listing of /proc/self/fd).
            #expect(harness.read("fds.txt") == "[0, 1, 2, 3]")
        }
    }

    @Test("validate names the place of a wrong notify entry and what to write instead")
    func notifyMistakes() async throws {
        let harness = try RunHarness()
        let manifest = """
            version: 1
            issuers:
              local: {token_endpoint: "http://127.0.0.1:9/token", allow_insecure_http: true}
            clients:
              - name: a
                issuer: local
                client_id: a
                auth: {method: none}
                outputs:
                  - env: out/a.env
                    notify: {command: "nginx -s reload"}
                  - json: out/a.json
                    notify: [{signal: BOGUS, pid_file: app.pid}, {command: [x], pid_file: y}]

            """
        try harness.write(manifest, to: "bad.yaml")
        let result = try await harness.run(["validate", "bad.yaml"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("bad.yaml:11:"))
        #expect(result.standardError.contains("add `shell: true`"))
        #expect(result.standardError.contains("`signal` must be one of HUP"))
        #expect(result.standardError.contains("`pid_file` does not go with `command`"))
    }

    @Test("a failed renewal's next try waits at least the server's Retry-After")
    func retryAfter() async throws {
        let harness = try RunHarness()
        let clients = [
            RegisteredClient(
                id: "short", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3,
                faults: [.rateLimited(retryAfterSeconds: 60, times: 1_000_000)]),
            RegisteredClient(id: "long", authentication: .clientSecretBasic(secret: "s"), expiresIn: 3600),
        ]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "watch.yaml")
            let result = try await harness.run(
                ["watch", "watch.yaml", "--log-format", "json"],
                duringProcess: { errors, pid in
                    #expect(await errors.waitFor("\"batch finished\""))
                    kill(pid, SIGTERM)
                })
            #expect(result.status == 0)
            let line = try #require(result.standardError.split(separator: "\n").first { $0.contains("\"batch finished\"") })
            let batch = try jsonObject(String(line))
            #expect(batch["failed"] as? Int == 1)
            let formatter = ISO8601DateFormatter()
            let logged = try #require((batch["time"] as? String).flatMap(formatter.date(from:)))
            let nextDue = try #require((batch["next_due"] as? String).flatMap(formatter.date(from:)))
            // The backoff alone would be about a second; the server asked for 60 (both in the process's own clock).
            #expect(nextDue.timeIntervalSince(logged) >= 50)
        }
    }
}
