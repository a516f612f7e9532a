import Foundation
import LocalIssuer
import Testing

/// One client's outputs change together or not at all; a file edited by hand
/// is restored from the cache; a dropped key leaves the file on the next run.
@Suite("tokensmith run: outputs as a unit (built binary)")
struct OutputUnitEndToEndTests {
    static func issuerBlock(_ issuer: LocalIssuer) -> String {
        RunEndToEndTests.issuerBlock("local", issuer)
    }

    static func counts(_ harness: RunHarness, _ report: String) throws -> (written: Int?, unchanged: Int?) {
        let files = try jsonObject(harness.read(report))["files"] as? [String: Int]
        return (files?["written"], files?["unchanged"])
    }

    @Test("a client whose new token one of its outputs cannot carry changes none of them, nor its entry in aggregates")
    func failedClientChangesNothing() async throws {
        let harness = try RunHarness()
        // Asked for no scope, the server grants both: `read write`, with a space
        // that a docker env file cannot carry. Only the response shows it.
        let clients = [
            RegisteredClient(id: "wide", authentication: .clientSecretBasic(secret: "s"), allowedScopes: ["read", "write"]),
            RegisteredClient(id: "fine", authentication: .clientSecretBasic(secret: "s")),
        ]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            func manifest(scope: String) -> String {
                """
                version: 1
                issuers:
                \(Self.issuerBlock(issuers[0]))
                clients:
                  - name: wide
                    issuer: local
                    client_id: wide
                    auth: {method: client_secret_basic, secret: s}
                    \(scope)
                    outputs:
                      - json: out/wide.json
                      - env: out/wide.env
                        include_scope: true
                      - kubernetes_secret: out/wide.yaml
                \(RunEndToEndTests.basicClient("fine"))
                outputs:
                  - json: out/all.json
                """
            }
            // First with one scope: every output is written.
            try harness.write(manifest(scope: "scope: [read]"), to: "m.yaml")
            let first = try await harness.run(["run", "m.yaml"])
            #expect(first.status == 0, "stderr: \(first.standardError)")
            let before = ["out/wide.json", "out/wide.env", "out/wide.yaml"].map { harness.read($0) }
            let wideBefore = try #require(
                (try jsonObject(harness.read("out/all.json"))["clients"] as? [String: [String: Any]])?["wide"]?["access_token"] as? String)

            // Without `scope` the client is changed, granted again, and the response's scope cannot go into its env file.
            try harness.write(manifest(scope: ""), to: "m.yaml")
            let second = try await harness.run(["run", "m.yaml", "--report", "report.json"])
            #expect(second.status == 1)
            #expect(second.standardError.contains("wide: failed"), "stderr: \(second.standardError)")
            #expect(second.standardError.contains("out/wide.env"), "stderr: \(second.standardError)")
            #expect(
                ["out/wide.json", "out/wide.env", "out/wide.yaml"].map { harness.read($0) } == before,
                "some of the failed client's outputs changed")
            let all = try #require(try jsonObject(harness.read("out/all.json"))["clients"] as? [String: [String: Any]])
            #expect(all["wide"]?["access_token"] as? String == wideBefore, "the aggregate took the failed client's new token")
            #expect(all["fine"] != nil)
            #expect(harness.allFiles().filter { $0.contains(".tokensmith-tmp-") }.isEmpty)
        }
    }

    @Test("what the manifest shows an output cannot carry stops validate and run before any request")
    func knowableProblemsBeforeTheFirstRequest() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "many", authentication: .clientSecretBasic(secret: "s"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                \(Self.issuerBlock(issuers[0]))
                clients:
                  - name: many
                    issuer: local
                    client_id: many
                    auth: {method: client_secret_basic, secret: s}
                    scope: [read, write]
                    outputs:
                      - json: out/many.json
                      - env: out/many.env
                        include_scope: true
                """, to: "m.yaml")
            let validate = try await harness.run(["validate", "m.yaml"])
            #expect(validate.status == 2)
            #expect(
                validate.standardError.contains("error: output `out/many.env` (client `many`): `SCOPE` would hold"),
                "stderr: \(validate.standardError)")
            let run = try await harness.run(["run", "m.yaml"])
            #expect(run.status == 2)
            #expect(issuers[0].statistics().totalTokenRequests == 0)
            #expect(harness.allFiles() == ["m.yaml"])
        }
    }

    @Test("an aggregate env file that cannot carry one client's new token is written with the others; that client fails")
    func aggregateKeepsTheOthers() async throws {
        let harness = try RunHarness()
        let clients = [
            RegisteredClient(id: "wide", authentication: .clientSecretBasic(secret: "s"), allowedScopes: ["read", "write"]),
            RegisteredClient(id: "fine", authentication: .clientSecretBasic(secret: "s")),
        ]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                \(Self.issuerBlock(issuers[0]))
                clients:
                \(RunEndToEndTests.basicClient("wide", extra: "outputs: [{json: out/wide.json}]"))
                \(RunEndToEndTests.basicClient("fine"))
                outputs:
                  - env: out/all.env
                    include_scope: true
                """, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--report", "report.json"])
            #expect(result.status == 1)
            let report = try jsonObject(harness.read("report.json"))
            let entries = try #require(report["clients"] as? [[String: Any]])
            let status = Dictionary(
                uniqueKeysWithValues: entries.compactMap { entry in
                    (entry["name"] as? String).map { ($0, entry["status"] as? String ?? "") }
                })
            #expect(status == ["wide": "failed", "fine": "granted"])
            let env = try #require(harness.read("out/all.env"), "the aggregate was not written at all")
            #expect(env.contains("FINE_ACCESS_TOKEN=") && !env.contains("WIDE_"))
            #expect(!harness.exists("out/wide.json"), "the failed client's own output was written")
        }
    }

    @Test("an output edited, replaced or removed by hand is restored from the cache, with no token request; a touch alone rewrites nothing")
    func handEditsAreRestored() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "a", authentication: .clientSecretBasic(secret: "s"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                \(Self.issuerBlock(issuers[0]))
                clients:
                \(RunEndToEndTests.basicClient("a", extra: "outputs: [{env: out/a.env}, {json: out/a.json}]"))
                """, to: "m.yaml")
            let first = try await harness.run(["run", "m.yaml"])
            #expect(first.status == 0, "stderr: \(first.standardError)")
            let env = try #require(harness.read("out/a.env"))
            let json = try #require(harness.read("out/a.json"))
            issuers[0].resetStatistics()

            // Same size, other bytes: size and time alone would not tell.
            let envPath = harness.folder.appendingPathComponent("out/a.env").path
            let edited = String(repeating: "X", count: env.utf8.count)
            try harness.write(edited, to: "out/a.env")
            var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, envPath, &times, 0) == 0)
            let second = try await harness.run(["run", "m.yaml", "--report", "r2.json"])
            #expect(second.status == 0, "stderr: \(second.standardError)")
            #expect(harness.read("out/a.env") == env, "the edited file was left as it is")
            let counts2 = try Self.counts(harness, "r2.json")
            #expect(counts2 == (1, 1))

            // Removed: written again.
            try FileManager.default.removeItem(atPath: harness.folder.appendingPathComponent("out/a.json").path)
            let third = try await harness.run(["run", "m.yaml", "--report", "r3.json"])
            #expect(harness.read("out/a.json") == json)
            let counts3 = try Self.counts(harness, "r3.json")
            #expect(third.status == 0 && counts3 == (1, 1))

            // Touched only: compared, found equal, not rewritten (same inode).
            let inode = try FileManager.default.attributesOfItem(atPath: envPath)[.systemFileNumber] as? UInt64
            #expect(utimensat(AT_FDCWD, envPath, nil, 0) == 0)
            let fourth = try await harness.run(["run", "m.yaml", "--report", "r4.json"])
            let counts4 = try Self.counts(harness, "r4.json")
            #expect(fourth.status == 0 && counts4 == (0, 2))
            #expect(try FileManager.default.attributesOfItem(atPath: envPath)[.systemFileNumber] as? UInt64 == inode)

            // Nothing touched: nothing is even compared.
            let fifth = try await harness.run(["run", "m.yaml", "--report", "r5.json"])
            let counts5 = try Self.counts(harness, "r5.json")
            #expect(fifth.status == 0 && counts5 == (0, 0))
            #expect(issuers[0].statistics().totalTokenRequests == 0, "a cached token was requested again")
        }
    }

    @Test("a state file written before output stamps existed keeps its tokens valid, and edited outputs are still restored")
    func upgradeFromStateWithoutStamps() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "a", authentication: .clientSecretBasic(secret: "s"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                """
                version: 1
                issuers:
                \(Self.issuerBlock(issuers[0]))
                clients:
                \(RunEndToEndTests.basicClient("a", extra: "outputs: [{env: out/a.env}]"))
                """, to: "m.yaml")
            #expect(try await harness.run(["run", "m.yaml"]).status == 0)
            let env = try #require(harness.read("out/a.env"))
            // What the previous version wrote: the same entry without `outputsStamp`.
            var state = try jsonObject(harness.read(".tokensmith-state.json"))
            var entries = try #require(state["clients"] as? [String: [String: Any]])
            #expect(entries["a"]?["outputsStamp"] is String)
            entries["a"]?["outputsStamp"] = nil
            state["clients"] = entries
            try harness.write(
                String(decoding: try JSONSerialization.data(withJSONObject: state), as: UTF8.self), to: ".tokensmith-state.json")
            try harness.write("edited\n", to: "out/a.env")
            issuers[0].resetStatistics()

            let upgraded = try await harness.run(["run", "m.yaml", "--report", "r.json"])
            #expect(upgraded.status == 0, "stderr: \(upgraded.standardError)")
            #expect(issuers[0].statistics().totalTokenRequests == 0)
            #expect(harness.read("out/a.env") == env)
            let after = try jsonObject(harness.read(".tokensmith-state.json"))["clients"] as? [String: [String: Any]]
            #expect(after?["a"]?["outputsStamp"] is String)
        }
    }

    @Test("a key dropped with `~` leaves a skipped client's file on the next run, without a token request")
    func droppedKeyRewritesTheFile() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "a", authentication: .clientSecretBasic(secret: "s"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            func manifest(_ keys: String) -> String {
                """
                version: 1
                issuers:
                \(Self.issuerBlock(issuers[0]))
                clients:
                \(RunEndToEndTests.basicClient("a", extra: "outputs: [{env: out/a.env\(keys)}]"))
                """
            }
            try harness.write(manifest(""), to: "m.yaml")
            #expect(try await harness.run(["run", "m.yaml"]).status == 0)
            #expect(harness.read("out/a.env")?.contains("EXPIRES_AT=") == true)
            issuers[0].resetStatistics()
            try harness.write(manifest(", keys: {expires_at: ~}"), to: "m.yaml")
            let validate = try await harness.run(["validate", "m.yaml"])
            #expect(validate.status == 0, "stderr: \(validate.standardError)")
            let second = try await harness.run(["run", "m.yaml"])
            #expect(second.status == 0, "stderr: \(second.standardError)")
            let env = try #require(harness.read("out/a.env"))
            #expect(!env.contains("EXPIRES_AT") && env.contains("ACCESS_TOKEN=") && env.contains("TOKEN_TYPE=Bearer"))
            #expect(issuers[0].statistics().totalTokenRequests == 0)
        }
    }
}
