import Foundation
import LocalIssuer
import NIOConcurrencyHelpers
import Testing

/// `tokensmith exec --watch`: the built binary supervises a shell script as
/// its child against a LocalIssuer that issues tokens of a few seconds. The
/// script records each start (its PID and a fingerprint of its token) and
/// each signal it receives in `events.log`; assertions follow the order of
/// those lines and of the log, never wall time, and never print a token.
@Suite("tokensmith exec --watch (built binary)")
struct ExecWatchEndToEndTests {
    static func manifest(_ issuer: LocalIssuer) -> String {
        """
        version: 1
        defaults:
          renew_before: 10m
          retry: {attempts: 1}
        issuers:
          local:
            issuer: \(issuer.issuer)
            allow_insecure_http: true
        clients:
          - {name: short, issuer: local, client_id: short, auth: {method: client_secret_basic, secret: "${SHORT_SECRET}"}}
          - {name: long, issuer: local, client_id: long, auth: {method: client_secret_basic, secret: l-secret}}

        """
    }

    static func clients(shortExpiresIn: Int = 3) -> [RegisteredClient] {
        [
            RegisteredClient(id: "short", authentication: .clientSecretBasic(secret: "s-secret-value"), expiresIn: shortExpiresIn),
            RegisteredClient(id: "long", authentication: .clientSecretBasic(secret: "l-secret"), expiresIn: 3600),
        ]
    }

    static let environment = ["SHORT_SECRET": "s-secret-value"]

    /// A bash script that logs `start PID SHORT-FINGERPRINT LONG-FINGERPRINT`
    /// (sha256 prefixes, never the token) once its traps are set, then `body`:
    /// by default it waits until its parent (tokensmith) is gone, so it never
    /// outlives a test. No command substitution before the start line: bash
    /// can fail to parse a trap that fires inside one (`unexpected EOF while
    /// looking for matching ')'`), and the child then ignored the SIGTERM it
    /// was sent (one fresh-clone suite run hung on it).
    static func script(traps: String, body: String = "while kill -0 $PPID 2>/dev/null; do sleep 0.1; done") -> String {
        """
        \(traps)
        printf %s "$SHORT_ACCESS_TOKEN" | sha256sum | cut -c1-16 > short.$$
        printf %s "$LONG_ACCESS_TOKEN" | sha256sum | cut -c1-16 > long.$$
        read -r short < short.$$; read -r long < long.$$; rm -f short.$$ long.$$
        echo "start $$ $short $long" >> events.log
        \(body)
        """
    }

    /// The lines of `events.log`, split into words.
    static func events(_ harness: RunHarness) -> [[String]] {
        (harness.read("events.log") ?? "").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }

    /// Waits until `events.log` holds at least `count` lines starting with `word`.
    static func waitForEvent(_ word: String, count: Int = 1, harness: RunHarness, errors: PipeCollector) async throws {
        while events(harness).filter({ $0.first == word }).count < count {
            // The process ending first is a failure, not a hang.
            if errors.finished { throw WaitError(needed: "\(count) × \(word)", log: errors.textSoFar()) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct WaitError: Error, CustomStringConvertible {
        var needed: String
        var log: String
        var description: String { "tokensmith ended before events.log had \(needed):\n\(log)" }
    }

    @Test("the child sees each token under its variable and no secret; tokensmith stays its parent")
    func childEnvironment() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients(shortExpiresIn: 3600))]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let script = Self.script(traps: "", body: "env > env.txt; echo $PPID > parent.txt; exit 0")
            var tokensmith: Int32 = 0
            let result = try await harness.run(
                ["exec", "--watch", "tokens.yaml", "--", "/bin/bash", "-c", script], environment: Self.environment,
                duringProcess: { _, pid in tokensmith = pid })
            #expect(result.status == 0, "\(result.standardError)")
            #expect(harness.read("parent.txt")?.trimmingCharacters(in: .whitespacesAndNewlines) == String(tokensmith))
            let environment = harness.environmentDump("env.txt")
            let cached = try harness.cachedTokens()
            // Compared as Bools: a failure must not print a token.
            let shortMatches = environment["SHORT_ACCESS_TOKEN"] != nil && environment["SHORT_ACCESS_TOKEN"] == cached?["short"] ?? nil
            let longMatches = environment["LONG_ACCESS_TOKEN"] != nil && environment["LONG_ACCESS_TOKEN"] == cached?["long"] ?? nil
            #expect(shortMatches)
            #expect(longMatches)
            #expect(environment["SHORT_TOKEN_TYPE"] == "Bearer")
            #expect(environment["SHORT_SECRET"] == nil)
            let leaked = (harness.read("env.txt") ?? "").contains("s-secret-value") || (harness.read("env.txt") ?? "").contains("l-secret")
            #expect(!leaked)
            #expect(result.standardError.contains("started the program"))
            #expect(result.standardError.contains("the program exited status=0"))
            // Clients without outputs are what exec is for: no "written nowhere" warning.
            #expect(!result.standardError.contains("written nowhere"), "\(result.standardError)")
            let validate = try await harness.run(["validate", "tokens.yaml"], environment: Self.environment)
            #expect(validate.standardError.contains("written nowhere"), "\(validate.standardError)")
        }
    }

    @Test("a renewal restarts the child: the old one gets the stop signal and exits before the new one starts with the new token")
    func restartsOnRenewal() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            let issuer = issuers[0]
            try harness.write(Self.manifest(issuer), to: "tokens.yaml")
            let script = Self.script(traps: #"trap 'echo "term $$" >> events.log; exit 0' TERM"#)
            let result = try await harness.run(
                ["exec", "--watch", "tokens.yaml", "--no-state", "--", "/bin/bash", "-c", script], environment: Self.environment,
                duringProcess: { errors, pid in
                    #expect(await errors.waitFor("restarted the program", count: 2))
                    try await Self.waitForEvent("start", count: 3, harness: harness, errors: errors)
                    kill(pid, SIGTERM)
                })
            // The last child ends on that SIGTERM with 0, and so does tokensmith.
            #expect(result.status == 0, "\(result.standardError)")
            let events = Self.events(harness)
            let starts = events.filter { $0.first == "start" }
            #expect(starts.count >= 3, "\(events)")
            // Each start after the first follows the previous child's `term`:
            // stopped (and exited, its trap runs `exit`) before the new one started.
            for (index, line) in events.enumerated() where line.first == "start" && index > 0 {
                let previousStart = events[..<index].last { $0.first == "start" }
                #expect(events[index - 1].first == "term" && events[index - 1].last == previousStart?[1], "\(events)")
            }
            // A new process each time, with a new `short` token and the same `long` one.
            #expect(Set(starts.map { $0[1] }).count == starts.count)
            #expect(Set(starts.map { $0[2] }).count == starts.count)
            #expect(Set(starts.map { $0[3] }).count == 1)
            #expect(issuer.statistics().tokensIssuedByClient["long"] == 1)
            // The renewals reuse the first batch's issuer context: one discovery in all.
            #expect(issuer.statistics().discoveryRequests == 1)
            #expect(result.standardError.contains("restarting the program with renewed tokens clients=short"))
        }
    }

    @Test("--stop-signal and --stop-grace: a child that ignores the stop signal is killed after the grace period, then replaced")
    func stopSignalAndGrace() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let script = Self.script(
                traps: #"trap 'echo "usr1 $$" >> events.log' USR1; trap 'echo "term $$" >> events.log; exit 0' TERM"#)
            let result = try await harness.run(
                [
                    "exec", "--watch", "tokens.yaml", "--no-state", "--stop-signal", "SIGUSR1", "--stop-grace", "1s", "--", "/bin/bash",
                    "-c", script,
                ],
                environment: Self.environment,
                duringProcess: { errors, pid in
                    #expect(await errors.waitFor("restarted the program"))
                    try await Self.waitForEvent("start", count: 2, harness: harness, errors: errors)
                    kill(pid, SIGTERM)
                })
            // SIGTERM may reach a child whose restart is under way: it exits 0
            // on TERM, or is killed when the 1 s grace runs out first (137, as
            // a shell reports SIGKILL). Either is the child's real end.
            #expect([0, 137].contains(result.status), "\(result.standardError)")
            let events = Self.events(harness)
            let first = try #require(events.first)
            // The first child got USR1, kept running (no `term`), and the next one started after it.
            let second = try #require(events.dropFirst().firstIndex { $0.first == "start" })
            #expect(events[1..<second].contains { $0 == ["usr1", first[1]] }, "\(events)")
            #expect(!events[1..<second].contains { $0.first == "term" }, "\(events)")
            #expect(events[second][1] != first[1])
        }
    }

    @Test("failed renewals keep the child running with the tokens it has; the first renewal after the outage restarts it")
    func failedRenewalKeepsChild() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            let issuer = issuers[0]
            try harness.write(Self.manifest(issuer), to: "tokens.yaml")
            let script = Self.script(traps: #"trap 'echo "term $$" >> events.log; exit 0' TERM"#)
            let result = try await harness.run(
                ["exec", "--watch", "tokens.yaml", "--no-state", "--max-retry-interval", "1s", "--", "/bin/bash", "-c", script],
                environment: Self.environment,
                duringProcess: { errors, pid in
                    try await Self.waitForEvent("start", harness: harness, errors: errors)
                    issuer.register(
                        RegisteredClient(
                            id: "short", authentication: .clientSecretBasic(secret: "s-secret-value"), expiresIn: 3,
                            faults: [.serverError(status: 503, times: 1_000_000)]))
                    #expect(await errors.waitFor("renewal failed", count: 2))
                    // While renewals fail, the child runs on, never stopped
                    // (a renewal before the outage may have restarted it once).
                    let failing = Self.events(harness)
                    #expect(await errors.waitFor("renewal failed", count: 3))
                    let keptRunning = Self.events(harness) == failing && failing.last?.first == "start"
                    #expect(keptRunning, "\(Self.events(harness))")
                    issuer.register(
                        RegisteredClient(id: "short", authentication: .clientSecretBasic(secret: "s-secret-value"), expiresIn: 3))
                    let restarts = errors.textSoFar().components(separatedBy: "restarted the program").count - 1
                    #expect(await errors.waitFor("restarted the program", count: restarts + 1))
                    let startsSoFar = failing.filter { $0.first == "start" }.count
                    try await Self.waitForEvent("start", count: startsSoFar + 1, harness: harness, errors: errors)
                    kill(pid, SIGTERM)
                })
            #expect(result.status == 0, "\(result.standardError)")
            // The child started after the outage holds a new `short` token.
            let starts = Self.events(harness).filter { $0.first == "start" }
            #expect(starts.count >= 2)
            #expect(starts.count < 2 || starts[starts.count - 2][2] != starts[starts.count - 1][2])
        }
    }

    @Test("SIGHUP and SIGTERM sent to tokensmith reach the child (same PID); tokensmith exits with the child's status")
    func forwardsSignals() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients(shortExpiresIn: 3600))]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let script = Self.script(
                traps: #"trap 'echo "hup $$" >> events.log' HUP; trap 'echo "term $$" >> events.log; exit 42' TERM"#)
            var tokensmith: Int32 = 0
            let result = try await harness.run(
                ["exec", "--watch", "tokens.yaml", "--", "/bin/bash", "-c", script], environment: Self.environment,
                duringProcess: { errors, pid in
                    tokensmith = pid
                    try await Self.waitForEvent("start", harness: harness, errors: errors)
                    kill(pid, SIGHUP)
                    try await Self.waitForEvent("hup", harness: harness, errors: errors)
                    kill(pid, SIGTERM)
                })
            #expect(result.status == 42, "\(result.standardError)")
            let events = Self.events(harness)
            let child = try #require(events.first?[1])
            #expect(child != String(tokensmith))
            #expect(events.map { Array($0.prefix(2)) } == [["start", child], ["hup", child], ["term", child]], "\(events)")
            #expect(result.standardError.contains("started the program pid=\(child)"))
            // SIGHUP is passed on, not a reload of the manifests.
            #expect(!result.standardError.contains("reload"))
        }
    }

    @Test("a child that exits by itself with 3: tokensmith exits 3 and does not start it again; a signalled child gives 128+N")
    func childExitsByItself() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients())]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let exits = try await harness.run(
                ["exec", "--watch", "tokens.yaml", "--no-state", "--", "/bin/bash", "-c", Self.script(traps: "", body: "exit 3")],
                environment: Self.environment)
            #expect(exits.status == 3, "\(exits.standardError)")
            #expect(Self.events(harness).count == 1)
            #expect(exits.standardError.contains("the program exited status=3"))
            let killed = try await harness.run(
                ["exec", "--watch", "tokens.yaml", "--no-state", "--", "/bin/bash", "-c", "kill -KILL $$"], environment: Self.environment)
            #expect(killed.status == 128 + SIGKILL, "\(killed.standardError)")
        }
    }

    @Test("--watch: a failed first grant exits 1, a missing program 127, and the options need --watch")
    func startErrors() async throws {
        let harness = try RunHarness()
        var clients = Self.clients()
        clients[1] = RegisteredClient(id: "long", authentication: .clientSecretBasic(secret: "another"))
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let refused = try await harness.run(
                ["exec", "--watch", "tokens.yaml", "--no-state", "--", "/bin/sh", "-c", "touch started"], environment: Self.environment)
            #expect(refused.status == 1)
            #expect(!harness.exists("started"))
            let missing = try await harness.run(
                ["exec", "--watch", "--allow-partial", "tokens.yaml", "--no-state", "--", "no-such-program-here"],
                environment: Self.environment)
            #expect(missing.status == 127)
            #expect(missing.standardError.contains("no-such-program-here: command not found"))
            let withoutWatch = try await harness.run(["exec", "tokens.yaml", "--stop-grace", "5s", "--", "/bin/true"])
            #expect(withoutWatch.status == 2)
            #expect(withoutWatch.standardError.contains("--stop-grace applies only with --watch"))
            let badSignal = try await harness.run(["exec", "--watch", "tokens.yaml", "--stop-signal", "NOPE", "--", "/bin/true"])
            #expect(badSignal.status == 2)
        }
    }
}
