import Foundation
import LocalIssuer
import Testing

/// Which clients a run takes (`--shard`, `--shard-count`, `--only`) and what
/// that means for aggregate outputs: never exit 0 while one was not written.
@Suite("tokensmith run: shards, --only and aggregate outputs (built binary)")
struct ShardAndSelectionTests {
    static func manifest(_ issuer: LocalIssuer, clients names: [String], aggregate: [String]) -> String {
        var text = "version: 1\nissuers:\n\(RunEndToEndTests.issuerBlock("local", issuer))\nclients:\n"
        for name in names { text += RunEndToEndTests.basicClient(name) }
        text += "outputs:\n" + aggregate.map { "  - \($0)\n" }.joined()
        return text
    }

    @Test(
        "3 Indexed Job shards over one manifest: each writes its own clients to its own aggregate files, every client exactly once, all exit 0"
    )
    func shardedAggregates() async throws {
        let harness = try RunHarness()
        let names = (0..<30).map { "svc-\($0)" }
        let clients = names.map { RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s")) }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(
                Self.manifest(
                    issuers[0], clients: names,
                    aggregate: [
                        "json: out/tokens-${TOKENSMITH_SHARD}.json",
                        "kubernetes_secret: out/secrets-${TOKENSMITH_SHARD}.yaml",
                    ]), to: "m.yaml")
            let check = try await harness.run(["validate", "m.yaml", "--shard", "0/3"])
            #expect(check.status == 0, "stderr: \(check.standardError)")

            var seen: [String: Int] = [:]
            var secretDocuments = 0
            for index in 0..<3 {
                // One state file shared by the three shards, as on one host.
                let result = try await harness.run(
                    ["run", "m.yaml", "--shard-count", "3", "--report", "r\(index).json"], environment: ["JOB_COMPLETION_INDEX": "\(index)"]
                )
                #expect(result.status == 0, "shard \(index) stderr: \(result.standardError)")
                let granted = Set(
                    (try jsonObject(harness.read("r\(index).json"))["clients"] as? [[String: Any]] ?? [])
                        .compactMap { $0["name"] as? String })
                let tokens = try jsonObject(harness.read("out/tokens-\(index).json"))["clients"] as? [String: Any] ?? [:]
                // A shard's file holds exactly its own clients, not the others' (cached ones included).
                #expect(Set(tokens.keys) == granted)
                for name in tokens.keys { seen[name, default: 0] += 1 }
                let secrets = try #require(harness.read("out/secrets-\(index).yaml"))
                secretDocuments += secrets.components(separatedBy: "kind: Secret").count - 1
            }
            #expect(seen.count == names.count && seen.values.allSatisfy { $0 == 1 }, "clients per shard file: \(seen)")
            #expect(secretDocuments == names.count)
            #expect(issuers[0].statistics().totalTokenRequests == names.count)

            // A second round grants nothing and still writes each shard's own clients only.
            let again = try await harness.run(["run", "m.yaml", "--shard", "1/3", "--report", "again.json"])
            #expect(again.status == 0, "stderr: \(again.standardError)")
            let tokens = try jsonObject(harness.read("out/tokens-1.json"))["clients"] as? [String: Any] ?? [:]
            let owned = Set(
                (try jsonObject(harness.read("r1.json"))["clients"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            #expect(Set(tokens.keys) == owned)
            #expect(issuers[0].statistics().totalTokenRequests == names.count)
        }
    }

    @Test("an aggregate output whose path does not name the shard is refused under sharding, at run and at validate, naming the place")
    func sharedAggregatePathRefused() async throws {
        let harness = try RunHarness()
        let names = ["alpha", "beta", "gamma", "delta"]
        let clients = names.map { RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s")) }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            let text = Self.manifest(issuers[0], clients: names, aggregate: ["json: out/tokens.json", "env: \"-\""])
            try harness.write(text, to: "m.yaml")
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let line = try #require(lines.firstIndex { $0.contains("out/tokens.json") }) + 1
            let place = "m.yaml:\(line):11: error: under --shard/--shard-count"

            for arguments in [
                ["run", "m.yaml", "--shard", "0/3"], ["run", "m.yaml", "--shard", "2/3", "--quiet"],
                ["validate", "m.yaml", "--shard", "1/3"],
            ] {
                let result = try await harness.run(arguments)
                #expect(result.status == 2, "\(arguments): \(result.standardError)")
                #expect(result.standardError.contains(place), "\(arguments): \(result.standardError)")
                #expect(result.standardError.contains("out/tokens-${TOKENSMITH_SHARD}.json"))
                // Standard output (`-`) is each shard's own: not refused.
                #expect(!result.standardError.contains("m.yaml:\(line + 1):"))
            }
            let indexed = try await harness.run(["run", "m.yaml", "--shard-count", "3"], environment: ["JOB_COMPLETION_INDEX": "0"])
            #expect(indexed.status == 2)
            #expect(indexed.standardError.contains(place))
            #expect(issuers[0].statistics().totalRequests == 0)
            #expect(harness.allFiles() == ["m.yaml"])

            // Without sharding the same manifest is fine.
            let whole = try await harness.run(["validate", "m.yaml"])
            #expect(whole.status == 0, "stderr: \(whole.standardError)")
        }
    }

    @Test("${TOKENSMITH_SHARD} without sharding: an error saying what to do, or its default")
    func shardVariableOutsideSharding() async throws {
        let harness = try RunHarness()
        try harness.write(
            """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - {name: a, issuer: corp, client_id: a, auth: {method: client_secret_basic, secret: "${A_SECRET}"}}
            outputs:
              - json: out/tokens-${TOKENSMITH_SHARD}.json
            """, to: "m.yaml")
        // A value in the environment does not count: tokensmith defines it only when sharding.
        let result = try await harness.run(["validate", "m.yaml"], environment: ["A_SECRET": "x", "TOKENSMITH_SHARD": "7"])
        #expect(result.status == 2)
        #expect(
            result.standardError.contains(
                "m.yaml:7:22: error: `${TOKENSMITH_SHARD}` is the shard index, defined only under --shard or --shard-count"))
        try harness.write(
            """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - {name: a, issuer: corp, client_id: a, auth: {method: client_secret_basic, secret: "${A_SECRET}"}}
            outputs:
              - json: out/tokens-${TOKENSMITH_SHARD:-all}.json
            """, to: "d.yaml")
        let defaulted = try await harness.run(["validate", "d.yaml", "--strict"], environment: ["A_SECRET": "x"])
        #expect(defaulted.status == 0, "stderr: \(defaulted.standardError)")
        let sharded = try await harness.run(["validate", "d.yaml", "--strict", "--shard", "1/2"], environment: ["A_SECRET": "x"])
        #expect(sharded.status == 0, "stderr: \(sharded.standardError)")
    }

    @Test(
        "--only leaving an aggregate output unwritable fails loudly (exit 1, even with --quiet), naming the output and the clients missing")
    func onlyWithoutCacheFails() async throws {
        let harness = try RunHarness()
        let names = ["alpha", "beta", "gamma"]
        let clients = names.map { RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s")) }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(Self.manifest(issuers[0], clients: names, aggregate: ["json: out/tokens.json"]), to: "m.yaml")
            for quiet in [false, true] {
                let result = try await harness.run(["run", "m.yaml", "--only", "alpha", "--no-state"] + (quiet ? ["--quiet"] : []))
                #expect(result.status == 1, "stderr: \(result.standardError)")
                #expect(result.standardError.contains("out/tokens.json"))
                #expect(result.standardError.contains("`beta`, `gamma`"))
                #expect(!harness.exists("out/tokens.json"))
            }
            // With every other client cached, --only rewrites the aggregate with all of them.
            let full = try await harness.run(["run", "m.yaml"])
            #expect(full.status == 0, "stderr: \(full.standardError)")
            let partial = try await harness.run(["run", "m.yaml", "--only", "alpha", "--force"])
            #expect(partial.status == 0, "stderr: \(partial.standardError)")
            let tokens = try jsonObject(harness.read("out/tokens.json"))["clients"] as? [String: Any] ?? [:]
            #expect(Set(tokens.keys) == Set(names))
        }
    }

    @Test("an --only pattern that matches no client is a usage error (exit 2) before anything is contacted")
    func onlyTypo() async throws {
        let harness = try RunHarness()
        let names = ["billing", "reports"]
        let clients = names.map { RegisteredClient(id: $0, authentication: .clientSecretBasic(secret: "s")) }
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            var text = "version: 1\nissuers:\n\(RunEndToEndTests.issuerBlock("local", issuers[0]))\nclients:\n"
            for name in names { text += RunEndToEndTests.basicClient(name, extra: "outputs: [{env: out/\(name).env}]") }
            try harness.write(text, to: "m.yaml")
            let typo = try await harness.run(["run", "m.yaml", "--only", "biling", "--quiet"])
            #expect(typo.status == 2)
            #expect(typo.standardError.contains("--only pattern `biling` matches no client in the manifest; did you mean `billing`?"))
            let oneOfTwo = try await harness.run(["run", "m.yaml", "--only", "billing,rep*x"])
            #expect(oneOfTwo.status == 2)
            #expect(oneOfTwo.standardError.contains("`rep*x`"))
            let empty = try await harness.run(["run", "m.yaml", "--only", " , "])
            #expect(empty.status == 2)
            #expect(empty.standardError.contains("--only needs at least one client name or glob"))
            #expect(issuers[0].statistics().totalRequests == 0)
            #expect(harness.allFiles() == ["m.yaml"])

            let good = try await harness.run(["run", "m.yaml", "--only", "rep*", "--no-state"])
            #expect(good.status == 0, "stderr: \(good.standardError)")
            #expect(harness.exists("out/reports.env") && !harness.exists("out/billing.env"))
        }
    }
}
