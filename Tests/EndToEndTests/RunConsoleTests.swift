import Foundation
import LocalIssuer
import Testing

/// What `tokensmith run` prints on standard error: JSON logs, progress while
/// grants run, and a summary that names every reason for a failed run.
@Suite("tokensmith run: console output (built binary)")
struct RunConsoleTests {
    /// Every non-empty standard-error line as a JSON object; fails the test for a line that is not one.
    private func jsonLines(_ standardError: String) throws -> [[String: Any]] {
        try standardError.split(separator: "\n").map { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object, "not a JSON object: \(line)")
        }
    }

    /// The log lines' schema: time, level and message on every line, never `severity`.
    private func expectLogSchema(_ lines: [[String: Any]]) {
        for line in lines {
            #expect(line["time"] is String, "\(line)")
            #expect(["info", "warning", "error"].contains(line["level"] as? String), "\(line)")
            #expect(line["message"] is String, "\(line)")
            #expect(line["severity"] == nil, "\(line)")
        }
    }

    @Test("--log-format json: diagnostics and the final manifest-errors line share the log schema")
    func jsonManifestErrors() async throws {
        let harness = try RunHarness()
        try harness.write(
            """
            version: 1
            issuers:
              local: {issuer: "http://127.0.0.1:9", allow_insecure_http: true}
            clients:
              - {name: a, issuer: local, client_id: a, auth: {method: client_secret_basic, secret: s}, outputs: [{env: ../escape.env}]}
              - {name: b, issuer: nowhere, client_id: b, auth: {method: client_secret_basic, secret: s}}
            """, to: "m.yaml")
        let result = try await harness.run(["run", "--log-format", "json", "m.yaml"])
        #expect(result.status == 2)
        let lines = try jsonLines(result.standardError)
        #expect(lines.count >= 3)
        expectLogSchema(lines)
        #expect(lines.dropLast().allSatisfy { $0["file"] as? String == "m.yaml" && $0["line"] is Int })
        let last = try #require(lines.last)
        #expect(last["level"] as? String == "error")
        #expect((last["message"] as? String)?.contains("the manifest has errors") == true)
    }

    @Test("--log-format json: a command-line mistake is a JSON line too")
    func jsonUsageError() async throws {
        let harness = try RunHarness()
        let result = try await harness.run(["run", "--log-format", "json", "--shard", "5/2", "m.yaml"])
        #expect(result.status == 2)
        let lines = try jsonLines(result.standardError)
        #expect(lines.count == 1)
        expectLogSchema(lines)
        #expect((lines.first?["message"] as? String)?.contains("--shard takes I/N") == true)
    }

    @Test("--log-format json: a run's events, failures and finish share the log schema")
    func jsonRun() async throws {
        let harness = try RunHarness()
        let configuration = LocalIssuer.Configuration(clients: [
            RegisteredClient(id: "good", authentication: .clientSecretBasic(secret: "s"))
        ])
        try await withIssuers([configuration]) { issuers in
            try harness.write(
                "version: 1\nissuers:\n" + RunEndToEndTests.issuerBlock("local", issuers[0]) + "clients:\n"
                    + RunEndToEndTests.basicClient("good") + RunEndToEndTests.basicClient("unknown"),
                to: "m.yaml")
            let result = try await harness.run(["run", "--log-format", "json", "m.yaml"])
            #expect(result.status == 1)
            let lines = try jsonLines(result.standardError)
            expectLogSchema(lines)
            #expect(lines.contains { $0["message"] as? String == "client failed" && $0["client"] as? String == "unknown" })
            #expect(lines.last?["message"] as? String == "run finished")
            #expect(lines.last?["exit_status"] as? Int == 1)
        }
    }

    /// A manifest with a fast client and one whose issuer takes `slowFor` to answer.
    private func slowFleet(_ harness: RunHarness, _ issuer: LocalIssuer) throws {
        try harness.write(
            "version: 1\nissuers:\n" + RunEndToEndTests.issuerBlock("local", issuer) + "clients:\n"
                + RunEndToEndTests.basicClient("fast") + RunEndToEndTests.basicClient("slow"),
            to: "m.yaml")
    }

    private static let slowIssuer = LocalIssuer.Configuration(clients: [
        RegisteredClient(id: "fast", authentication: .clientSecretBasic(secret: "s")),
        RegisteredClient(id: "slow", authentication: .clientSecretBasic(secret: "s"), faults: [.delay(.seconds(3))]),
    ])

    @Test("without a terminal, progress lines appear while a slow grant is still running, before the summary")
    func progressInLogs() async throws {
        let harness = try RunHarness()
        try await withIssuers([Self.slowIssuer]) { issuers in
            try slowFleet(harness, issuers[0])
            let result = try await harness.run(["run", "--progress-interval", "100ms", "m.yaml"])
            #expect(result.status == 0, "\(result.standardError)")
            let lines = result.standardError.split(separator: "\n").map(String.init)
            let progress = lines.indices.filter { lines[$0].hasPrefix("tokensmith: progress: ") }
            let summary = try #require(lines.firstIndex { $0.hasPrefix("CLIENT") })
            #expect(!progress.isEmpty, "\(result.standardError)")
            #expect(progress.allSatisfy { $0 < summary })
            // The fast client is done while the slow one still waits for its answer.
            #expect(progress.contains { lines[$0].contains("1/2 done, 1 granted, 0 skipped, 0 failed") }, "\(result.standardError)")
        }
    }

    @Test("without a terminal and without --progress-interval, a short run prints no progress line")
    func noProgressForShortRuns() async throws {
        let harness = try RunHarness()
        let configuration = LocalIssuer.Configuration(clients: [
            RegisteredClient(id: "fast", authentication: .clientSecretBasic(secret: "s"))
        ])
        try await withIssuers([configuration]) { issuers in
            try harness.write(
                "version: 1\nissuers:\n" + RunEndToEndTests.issuerBlock("local", issuers[0]) + "clients:\n"
                    + RunEndToEndTests.basicClient("fast"), to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml"])
            #expect(result.status == 0)
            #expect(!result.standardError.contains("progress:"))
        }
    }

    @Test("on a terminal, the progress line is redrawn on a timer while no client finishes")
    func progressOnTerminal() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let harness = try RunHarness()
        try await withIssuers([Self.slowIssuer]) { issuers in
            try slowFleet(harness, issuers[0])
            // script(1) gives the binary a pseudo-terminal; what it drew arrives on script's standard output.
            let command = "\(RunHarness.binary.path) run --progress-interval 100ms m.yaml"
            let result = try await harness.run(["-qec", command, "/dev/null"], executable: URL(fileURLWithPath: "/usr/bin/script"))
            #expect(result.status == 0, "\(result.standardOutput)")
            // Drawn when the fast client finished and then again by the timer while the slow one ran.
            let redraws = result.standardOutput.components(separatedBy: "\u{1B}[K[1/2] 1 granted, 0 skipped, 0 failed").count - 1
            #expect(redraws >= 2, "\(result.standardOutput.debugDescription)")
            #expect(result.standardOutput.contains("2 granted, 0 failed"))
        }
    }

    @Test("the summary names a write error as a reason for exit status 1, report and metrics failures included")
    func summaryNamesWriteErrors() async throws {
        let harness = try RunHarness()
        let configuration = LocalIssuer.Configuration(clients: [
            RegisteredClient(id: "good", authentication: .clientSecretBasic(secret: "s"))
        ])
        try await withIssuers([configuration]) { issuers in
            // "blocker" is a file, so nothing can be written below it.
            try harness.write("not a folder\n", to: "blocker")
            try harness.write(
                "version: 1\nissuers:\n" + RunEndToEndTests.issuerBlock("local", issuers[0]) + "clients:\n"
                    + RunEndToEndTests.basicClient("good") + "outputs:\n  - json: blocker/tokens.json\n",
                to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--report", "blocker/report.json", "--metrics-file", "blocker/run.prom"])
            #expect(result.status == 1)
            let lines = result.standardError.split(separator: "\n").map(String.init)
            let totals = try #require(lines.last)
            #expect(totals.contains("1 granted, 0 failed, 3 write errors"), "\(result.standardError)")
            #expect(lines.contains { $0.hasPrefix("write error:") && $0.contains("tokens.json") })
            #expect(lines.contains { $0.hasPrefix("write error: the report was not written") })
            #expect(lines.contains { $0.hasPrefix("write error: the metrics file was not written") })
        }
    }
}
