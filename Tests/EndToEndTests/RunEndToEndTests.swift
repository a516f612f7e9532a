import Foundation
import LocalIssuer
import Testing

/// `tokensmith run` end to end: the built binary against LocalIssuers on loopback.
@Suite("tokensmith run (built binary)")
struct RunEndToEndTests {
    /// One manifest list item: a client of issuer `local` whose name is its
    /// client id, with client_secret_basic and secret `s`; `extra` adds members.
    static func basicClient(_ name: String, extra: String = "") -> String {
        "  - {name: \(name), issuer: local, client_id: \(name), auth: {method: client_secret_basic, secret: s}\(extra.isEmpty ? "" : ", " + extra)}\n"
    }

    static func issuerBlock(_ name: String, _ issuer: LocalIssuer, extra: String = "") -> String {
        """
          \(name):
            issuer: \(issuer.issuer)
            allow_insecure_http: true
        \(extra)

        """
    }

    static let fastRetry = """
        defaults:
          retry: {attempts: 3, initial_backoff: 20ms, max_backoff: 2s}
        """

    @Test("500 clients over 3 issuers: limits hold, one discovery per issuer, a second run sends nothing")
    func fleet() async throws {
        let harness = try RunHarness()
        let limits = [3, 5, 7]
        let counts = [200, 150, 150]
        let configurations = zip(counts.indices, counts).map { index, count in
            LocalIssuer.Configuration(
                clients: (0..<count).map {
                    RegisteredClient(
                        id: "c\(index)-\($0)",
                        authentication: index == 1
                            ? .clientSecretPost(secret: "post-\(index)") : .clientSecretBasic(secret: "basic-\(index)"),
                        faults: [.delay(.milliseconds(4))])
                })
        }
        try await withIssuers(configurations) { issuers in
            var manifest = "version: 1\n\(Self.fastRetry)\nissuers:\n"
            for (index, issuer) in issuers.enumerated() {
                manifest += Self.issuerBlock("i\(index)", issuer, extra: "    max_concurrency: \(limits[index])")
            }
            manifest += "clients:\n"
            for (index, count) in counts.enumerated() {
                let method = index == 1 ? "client_secret_post" : "client_secret_basic"
                let secret = index == 1 ? "post-\(index)" : "basic-\(index)"
                for number in 0..<count {
                    manifest +=
                        "  - {name: c\(index)-\(number), issuer: i\(index), client_id: c\(index)-\(number), auth: {method: \(method), secret: \"\(secret)\"}}\n"
                }
            }
            manifest += """
                  - name: one
                    issuer: i0
                    client_id: c0-0
                    auth: {method: client_secret_basic, secret: "basic-0"}
                    outputs:
                      - env: out/one.env
                        prefix: ONE_
                outputs:
                  - json: out/tokens.json
                  - env: out/all.env
                """
            try harness.write(manifest, to: "fleet.yaml")
            let first = try await harness.run([
                "run", "fleet.yaml", "--concurrency", "12", "--report", "report.json", "--metrics-file", "fleet.prom",
            ])
            #expect(first.status == 0, "stderr: \(first.standardError)")
            for (index, issuer) in issuers.enumerated() {
                let stats = issuer.statistics()
                #expect(stats.discoveryRequests == 1, "issuer \(index) saw \(stats.discoveryRequests) discovery requests")
                #expect(
                    stats.maxConcurrentTokenRequests <= limits[index],
                    "issuer \(index) saw \(stats.maxConcurrentTokenRequests) in flight, limit \(limits[index])")
                #expect(stats.maxConcurrentTokenRequests >= 2, "issuer \(index) never saw concurrent grants")
                #expect(stats.totalTokenRequests == counts[index] + (index == 0 ? 1 : 0))
            }
            let tokens = try jsonObject(harness.read("out/tokens.json"))
            let clients = try #require(tokens["clients"] as? [String: Any])
            #expect(clients.count == 501)
            let report = try jsonObject(harness.read("report.json"))
            #expect((report["counts"] as? [String: Int])?["granted"] == 501)
            #expect(harness.read("out/one.env")?.hasPrefix("ONE_ACCESS_TOKEN=") == true)

            // Nothing must leak: no secret and no token in anything but the outputs and the cache.
            let accessTokens = clients.values.compactMap { ($0 as? [String: Any])?["access_token"] as? String }
            #expect(accessTokens.count == 501)
            let secrets = ["basic-0", "post-1", "basic-2"]
            for (name, text) in [
                ("stdout", first.standardOutput), ("stderr", first.standardError),
                ("report", harness.read("report.json") ?? ""), ("metrics", harness.read("fleet.prom") ?? ""),
            ] {
                for secret in secrets { #expect(!text.contains(secret), "\(name) contains a client secret") }
                for token in accessTokens { #expect(!text.contains(token), "\(name) contains an access token") }
            }

            for issuer in issuers { issuer.resetStatistics() }
            let second = try await harness.run(["run", "fleet.yaml", "--report", "report2.json"])
            #expect(second.status == 0, "stderr: \(second.standardError)")
            #expect(issuers.map { $0.statistics().totalTokenRequests } == [0, 0, 0])
            let report2 = try jsonObject(harness.read("report2.json"))
            #expect((report2["counts"] as? [String: Int])?["skipped"] == 501)
        }
    }

    @Test("retries recover from 5xx and 429 and give up after the bound")
    func retries() async throws {
        let harness = try RunHarness()
        let clients = [
            RegisteredClient(id: "flaky", authentication: .clientSecretBasic(secret: "s"), faults: [.serverError(status: 503, times: 2)]),
            RegisteredClient(
                id: "limited", authentication: .clientSecretBasic(secret: "s"), faults: [.rateLimited(retryAfterSeconds: 1, times: 1)]),
            RegisteredClient(
                id: "broken", authentication: .clientSecretBasic(secret: "s"), faults: [.serverError(status: 500, times: 100)]),
            RegisteredClient(id: "fine", authentication: .clientSecretBasic(secret: "s")),
        ]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            var manifest = "version: 1\n\(Self.fastRetry)\nissuers:\n\(Self.issuerBlock("local", issuers[0]))\nclients:\n"
            for client in clients {
                manifest += Self.basicClient(client.id)
            }
            try harness.write(manifest, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--report", "report.json"])
            #expect(result.status == 1)
            let report = try jsonObject(harness.read("report.json"))
            let entries = try #require(report["clients"] as? [[String: Any]])
            func entry(_ name: String) -> [String: Any] { entries.first { $0["name"] as? String == name } ?? [:] }
            #expect(entry("flaky")["status"] as? String == "granted")
            #expect(entry("flaky")["attempts"] as? Int == 3)
            #expect(entry("limited")["status"] as? String == "granted")
            #expect(entry("limited")["attempts"] as? Int == 2)
            #expect((entry("limited")["duration_seconds"] as? Double ?? 0) >= 0.9, "Retry-After: 1 was not honoured")
            #expect(entry("broken")["status"] as? String == "failed")
            #expect(entry("broken")["attempts"] as? Int == 3)
            #expect((entry("broken")["detail"] as? String ?? "").contains("500"))
            #expect(issuers[0].statistics().tokenRequestsByClient["broken"] == 3)
            #expect(result.standardError.contains("broken: failed"))
        }
    }

    @Test("a failing client keeps its previous outputs, in its own files and in aggregates")
    func keepsLastGood() async throws {
        let harness = try RunHarness()
        let clients = [
            RegisteredClient(id: "good", authentication: .clientSecretBasic(secret: "g")),
            RegisteredClient(id: "flip", authentication: .clientSecretBasic(secret: "right")),
        ]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                \(Self.issuerBlock("local", issuers[0]))
                clients:
                  - {name: good, issuer: local, client_id: good, auth: {method: client_secret_basic, secret: g}}
                  - name: flip
                    issuer: local
                    client_id: flip
                    auth: {method: client_secret_basic, secret: "${FLIP_SECRET}"}
                    outputs:
                      - env: out/flip.env
                      - kubernetes_secret: out/flip.yaml
                outputs:
                  - json: out/tokens.json
                """, to: "m.yaml")
            let first = try await harness.run(["run", "m.yaml"], environment: ["FLIP_SECRET": "right"])
            #expect(first.status == 0, "stderr: \(first.standardError)")
            let envBefore = try #require(harness.read("out/flip.env"))
            let secretBefore = try #require(harness.read("out/flip.yaml"))
            let tokensBefore = try jsonObject(harness.read("out/tokens.json"))["clients"] as? [String: [String: Any]]
            let flipToken = try #require(tokensBefore?["flip"]?["access_token"] as? String)
            let goodToken = try #require(tokensBefore?["good"]?["access_token"] as? String)

            // A secret value the server's own error text ("wrong client secret") cannot contain.
            let second = try await harness.run(["run", "m.yaml", "--force"], environment: ["FLIP_SECRET": "not-the-flip-secret-7"])
            #expect(second.status == 1)
            #expect(second.standardError.contains("flip: failed [invalid_client]"))
            #expect(!second.standardError.contains("not-the-flip-secret-7"))
            #expect(harness.read("out/flip.env") == envBefore)
            #expect(harness.read("out/flip.yaml") == secretBefore)
            let tokensAfter = try jsonObject(harness.read("out/tokens.json"))["clients"] as? [String: [String: Any]]
            #expect(tokensAfter?["flip"]?["access_token"] as? String == flipToken)
            #expect(tokensAfter?["good"]?["access_token"] as? String != goodToken)
        }
    }

    @Test("--all-or-nothing changes no file when a grant fails")
    func allOrNothing() async throws {
        let harness = try RunHarness()
        let clients = [
            RegisteredClient(id: "good", authentication: .clientSecretBasic(secret: "g")),
            RegisteredClient(id: "other", authentication: .clientSecretBasic(secret: "o")),
        ]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                \(Self.issuerBlock("local", issuers[0]))
                clients:
                  - name: good
                    issuer: local
                    client_id: good
                    auth: {method: client_secret_basic, secret: g}
                    outputs: [{env: out/good.env}]
                  - {name: other, issuer: local, client_id: other, auth: {method: client_secret_basic, secret: "${OTHER_SECRET}"}}
                outputs:
                  - json: out/tokens.json
                """, to: "m.yaml")
            let fresh = try await harness.run(["run", "m.yaml", "--all-or-nothing"], environment: ["OTHER_SECRET": "bad"])
            #expect(fresh.status == 1)
            #expect(harness.allFiles() == ["m.yaml"], "files were written: \(harness.allFiles())")
            #expect(fresh.standardError.contains("--all-or-nothing: no output was changed"))

            let seeded = try await harness.run(["run", "m.yaml"], environment: ["OTHER_SECRET": "o"])
            #expect(seeded.status == 0, "stderr: \(seeded.standardError)")
            let before = harness.allFiles().map { ($0, harness.read($0)) }
            let failing = try await harness.run(["run", "m.yaml", "--force", "--all-or-nothing"], environment: ["OTHER_SECRET": "bad"])
            #expect(failing.status == 1)
            let after = harness.allFiles().map { ($0, harness.read($0)) }
            #expect(before.map(\.0) == after.map(\.0))
            #expect(before.map(\.1) == after.map(\.1))
        }
    }

    @Test("shards 0..N-1 cover every client exactly once; --shard-count reads JOB_COMPLETION_INDEX")
    func shards() async throws {
        let harness = try RunHarness()
        let names = (0..<60).map { "svc-\($0)" }
        let clients = names.map { RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s")) }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            var manifest = "version: 1\nissuers:\n\(Self.issuerBlock("local", issuers[0]))\nclients:\n"
            for name in names {
                manifest += Self.basicClient(name)
            }
            try harness.write(manifest, to: "m.yaml")
            var seen: [String: Int] = [:]
            for index in 0..<3 {
                let result = try await harness.run(["run", "m.yaml", "--shard", "\(index)/3", "--no-state", "--report", "r\(index).json"])
                #expect(result.status == 0)
                let report = try jsonObject(harness.read("r\(index).json"))
                for entry in report["clients"] as? [[String: Any]] ?? [] {
                    #expect(entry["status"] as? String == "granted")
                    seen[entry["name"] as? String ?? "", default: 0] += 1
                }
            }
            #expect(seen.count == 60 && seen.values.allSatisfy { $0 == 1 })
            #expect(issuers[0].statistics().totalTokenRequests == 60)

            let indexed = try await harness.run(
                ["run", "m.yaml", "--shard-count", "3", "--no-state", "--report", "k1.json"], environment: ["JOB_COMPLETION_INDEX": "1"])
            #expect(indexed.status == 0)
            let viaIndex = Set(
                (try jsonObject(harness.read("k1.json"))["clients"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            let viaShard = Set(
                (try jsonObject(harness.read("r1.json"))["clients"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            #expect(viaIndex == viaShard)
            let missing = try await harness.run(["run", "m.yaml", "--shard-count", "3"])
            #expect(missing.status == 2)
            #expect(missing.standardError.contains("JOB_COMPLETION_INDEX"))
        }
    }

    @Test("--dry-run discovers but sends no token request and writes nothing")
    func dryRun() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "a", authentication: .clientSecretBasic(secret: "s"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                \(Self.issuerBlock("local", issuers[0]))
                clients:
                  - {name: a, issuer: local, client_id: a, auth: {method: client_secret_basic, secret: s}, outputs: [{json: out/a.json}]}
                """, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--dry-run"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(result.standardError.contains("a: would grant: no cached token"))
            #expect(issuers[0].statistics().totalTokenRequests == 0)
            #expect(issuers[0].statistics().discoveryRequests == 1)
            #expect(harness.allFiles() == ["m.yaml"])
        }
    }

    @Test("SIGTERM mid-run stops quickly, exits 130 and leaves no partial or temporary file")
    func sigterm() async throws {
        let harness = try RunHarness()
        let names = (0..<200).map { "slow-\($0)" }
        let clients = names.map {
            RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s"), faults: [.delay(.milliseconds(150))])
        }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            var manifest = "version: 1\nissuers:\n\(Self.issuerBlock("local", issuers[0]))\nclients:\n"
            for name in names {
                manifest += Self.basicClient(name, extra: "outputs: [{env: out/\(name).env}]")
            }
            manifest += "outputs:\n  - json: out/tokens.json\n"
            try harness.write(manifest, to: "m.yaml")
            // Signal once grants are under way (a fixed delay would race a slow start).
            let issuer = issuers[0]
            let result = try await harness.run(
                ["run", "m.yaml", "--concurrency", "4", "--report", "report.json"],
                signalWhen: { issuer.statistics().totalTokenRequests >= 12 })
            #expect(result.status == 130)
            #expect(issuers[0].statistics().totalTokenRequests < 100, "the run did not stop promptly")
            let files = harness.allFiles()
            #expect(!files.contains { $0.contains(".tokensmith-tmp-") }, "temporary files left: \(files)")
            let tokens = try jsonObject(harness.read("out/tokens.json"))
            let written = (tokens["clients"] as? [String: Any])?.count ?? 0
            #expect(written > 0 && written < 200)
            for file in files where file.hasSuffix(".env") {
                #expect(harness.read(file)?.hasSuffix("\n") == true, "\(file) is incomplete")
            }
            let report = try jsonObject(harness.read("report.json"))
            #expect(report["interrupted"] as? Bool == true)
            #expect(((report["counts"] as? [String: Int])?["cancelled"] ?? 0) > 0)
        }
    }

    @Test("--concurrency is what the server sees: more than the HTTP client's default of 8 connections, never more than asked")
    func concurrencyReachesTheServer() async throws {
        let harness = try RunHarness()
        let names = (0..<64).map { "wide-\($0)" }
        let clients = names.map {
            RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s"), faults: [.delay(.milliseconds(60))])
        }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            var manifest = "version: 1\nissuers:\n\(Self.issuerBlock("local", issuers[0]))\nclients:\n"
            for name in names {
                manifest += Self.basicClient(name)
            }
            try harness.write(manifest, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--concurrency", "16", "--no-state", "--quiet"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let stats = issuers[0].statistics()
            #expect(stats.totalTokenRequests == 64)
            #expect(stats.maxConcurrentTokenRequests > 8, "only \(stats.maxConcurrentTokenRequests) requests were in flight at once")
            #expect(stats.maxConcurrentTokenRequests <= 16)
        }
    }

    @Test("a client waiting out Retry-After does not hold a slot: with --concurrency 1 the others are granted during its wait")
    func backoffFreesTheSlot() async throws {
        let harness = try RunHarness()
        let healthy = (0..<5).map { "ok-\($0)" }
        var clients = [
            RegisteredClient(
                id: "flaky", authentication: .clientSecretBasic(secret: "s"), faults: [.rateLimited(retryAfterSeconds: 2, times: 1)])
        ]
        clients += healthy.map { RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s")) }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            var manifest = """
                version: 1
                defaults:
                  retry: {attempts: 3, initial_backoff: 20ms, max_backoff: 5s}
                issuers:
                \(Self.issuerBlock("local", issuers[0]))
                clients:

                """
            for name in ["flaky"] + healthy {
                manifest += Self.basicClient(name)
            }
            try harness.write(manifest, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--concurrency", "1", "--report", "report.json"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(issuers[0].statistics().tokenRequestsByClient["flaky"] == 2)
            // Token issue times from the cache: every other client got its token
            // while the flaky one waited, so before the flaky one's retry.
            let state = try jsonObject(harness.read(".tokensmith-state.json"))
            let entries = try #require(state["clients"] as? [String: [String: Any]])
            let flakyIssued = try #require(entries["flaky"]?["issuedAt"] as? Double)
            for name in healthy {
                let issued = try #require(entries[name]?["issuedAt"] as? Double)
                #expect(issued < flakyIssued, "\(name) was granted after the flaky client's retry: its wait held the only slot")
            }
            let report = try jsonObject(harness.read("report.json"))
            let flaky = (report["clients"] as? [[String: Any]])?.first { $0["name"] as? String == "flaky" }
            #expect(flaky?["attempts"] as? Int == 2)
            #expect((flaky?["duration_seconds"] as? Double ?? 0) >= 1.5, "the retry's wait is part of the client's duration")
        }
    }

    @Test("saving the state waits for another run's lock on it, then merges (no entry is lost)")
    func stateLockIsHonoured() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "locked", authentication: .clientSecretBasic(secret: "s"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            let manifest = """
                version: 1
                issuers:
                \(Self.issuerBlock("local", issuers[0]))
                clients:
                  - {name: locked, issuer: local, client_id: locked, auth: {method: client_secret_basic, secret: s}}
                """
            try harness.write(manifest, to: "m.yaml")
            // Another run's entry, written while that run holds the lock.
            let other =
                #"{"clients":{"other-shard":{"accessToken":"t","clientID":"o","expiresAt":4102444800,"fingerprint":"f","issuedAt":1,"issuer":"i","tokenType":"Bearer"}},"version":1}"#
            let lockPath = harness.folder.appendingPathComponent(".tokensmith-state.json.lock").path
            let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
            #expect(fd >= 0)
            #expect(flock(fd, LOCK_EX) == 0)
            let waitMessage = ".tokensmith-state.json.lock is held by another tokensmith run; waiting"
            // Order of events, not times: the run says it waits for the lock;
            // only then does the other run save its entry and release the lock.
            let result = try await harness.run(
                ["run", "m.yaml"],
                during: { standardError in
                    let waited = await standardError.waitFor(waitMessage)
                    #expect(waited, "the run did not say it waits for the lock")
                    try harness.write(other + "\n", to: ".tokensmith-state.json")
                    close(fd)  // releases the lock
                })
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(result.standardError.contains("the state file lock /"), "the message names the lock: \(result.standardError)")
            let state = try jsonObject(harness.read(".tokensmith-state.json"))
            let entries = try #require(state["clients"] as? [String: Any])
            #expect(entries["locked"] != nil && entries["other-shard"] != nil, "an entry was lost: \(entries.keys.sorted())")
        }
    }

    @Test("DPoP clients of one server learn its nonce once per run, not once each")
    func sharedDPoPNonce() async throws {
        let harness = try RunHarness()
        let clients = (0..<6).map { RegisteredClient(id: "p\($0)", authentication: .clientSecretBasic(secret: "s"), requiresDPoP: true) }
        try await withIssuers([LocalIssuer.Configuration(requireDPoPNonce: true, clients: clients)]) { issuers in
            var manifest = "version: 1\nissuers:\n\(Self.issuerBlock("local", issuers[0]))\nclients:\n"
            for client in clients {
                manifest += Self.basicClient(client.id, extra: "dpop: true, outputs: [{json: out/\(client.id).json}]")
            }
            try harness.write(manifest, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--concurrency", "1", "--no-state"])
            #expect(result.status == 0, "\(result.standardError)")
            for client in clients {
                #expect(harness.read("out/\(client.id).json")?.contains("\"token_type\": \"DPoP\"") == true)
            }
            // One use_dpop_nonce round trip for the first client; the rest send the nonce at once.
            #expect(issuers[0].statistics().totalTokenRequests == clients.count + 1)
        }
    }

    @Test("--deadline stops a slow run and exits 1")
    func deadline() async throws {
        let harness = try RunHarness()
        // The first two answer at once, the rest only after 10 s: whatever the
        // machine's load, the deadline falls after the fast grants and long
        // before the slow ones.
        let clients = (0..<20).map {
            RegisteredClient(id: "d\($0)", authentication: .clientSecretBasic(secret: "s"), faults: $0 < 2 ? [] : [.delay(.seconds(10))])
        }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            var manifest = "version: 1\nissuers:\n\(Self.issuerBlock("local", issuers[0]))\nclients:\n"
            for client in clients {
                manifest += Self.basicClient(client.id)
            }
            try harness.write(manifest, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--concurrency", "2", "--deadline", "3s", "--report", "report.json"])
            #expect(result.status == 1)
            let report = try jsonObject(harness.read("report.json"))
            #expect(report["deadline_exceeded"] as? Bool == true)
            // The run stopped at the deadline instead of finishing every grant:
            // the fast clients granted, the rest cancelled, and the issuer never
            // saw a request from every client.
            let counts = report["counts"] as? [String: Int] ?? [:]
            #expect((counts["granted"] ?? 0) > 0)
            #expect((counts["cancelled"] ?? 0) > 0, "counts: \(counts)")
            #expect((counts["granted"] ?? 0) + (counts["cancelled"] ?? 0) == clients.count, "counts: \(counts)")
            #expect(issuers[0].statistics().totalTokenRequests < clients.count)
        }
    }
}
