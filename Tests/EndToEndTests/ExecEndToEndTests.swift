import Foundation
import LocalIssuer
import Testing

/// `tokensmith exec`: the built binary grants, then becomes the program with
/// the tokens (and never the secrets) in its environment.
@Suite("tokensmith exec (built binary)")
struct ExecEndToEndTests {
    static func manifest(_ issuer: LocalIssuer) -> String {
        """
        version: 1
        defaults:
          retry: {attempts: 1}
        issuers:
          local:
            issuer: \(issuer.issuer)
            allow_insecure_http: true
        clients:
          - {name: billing, issuer: local, client_id: billing, auth: {method: client_secret_basic, secret: "${BILLING_SECRET}"}, outputs: [{env: out/billing.env, prefix: APP_}]}
          - {name: reports-eu.v2, issuer: local, client_id: reports, auth: {method: client_secret_basic, secret: r-secret}, outputs: [{json: out/reports.json}]}

        """
    }

    static let clients = [
        RegisteredClient(id: "billing", authentication: .clientSecretBasic(secret: "b-secret-value")),
        RegisteredClient(id: "reports", authentication: .clientSecretBasic(secret: "r-secret")),
    ]

    @Test("the program replaces tokensmith, sees each token under its env name, no secret, and its exit status is the result")
    func replacesItself() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients)]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let script = "echo $$ > pid.txt; env > env.txt; exit 7"
            var started: Int32 = 0
            let result = try await harness.run(
                ["exec", "tokens.yaml", "--", "/bin/sh", "-c", script], environment: ["BILLING_SECRET": "b-secret-value"],
                duringProcess: { _, pid in started = pid })
            #expect(result.status == 7, "\(result.standardError)")
            // Same process: exec replaced tokensmith rather than starting a child.
            #expect(harness.read("pid.txt")?.trimmingCharacters(in: .whitespacesAndNewlines) == String(started))
            let environment = harness.environmentDump("env.txt")
            let cached = try harness.cachedTokens()
            // Compared as Bools: a failure must not print a token.
            let billingMatches = environment["APP_ACCESS_TOKEN"] != nil && environment["APP_ACCESS_TOKEN"] == cached?["billing"] ?? nil
            let reportsMatches =
                environment["REPORTS_EU_V2_ACCESS_TOKEN"] != nil
                && environment["REPORTS_EU_V2_ACCESS_TOKEN"] == cached?["reports-eu.v2"] ?? nil
            #expect(billingMatches)
            #expect(reportsMatches)
            #expect(environment["APP_TOKEN_TYPE"] == "Bearer")
            #expect(environment["REPORTS_EU_V2_EXPIRES_AT"] != nil)
            // The secret taken from the environment does not reach the program.
            #expect(environment["BILLING_SECRET"] == nil)
            let leaked = (harness.read("env.txt") ?? "").contains("b-secret-value") || (harness.read("env.txt") ?? "").contains("r-secret")
            #expect(!leaked)
            // No output files without --write-outputs.
            #expect(!harness.exists("out/billing.env") && !harness.exists("out/reports.json"))
        }
    }

    @Test("signals sent to the process reach the program itself: it traps SIGTERM under tokensmith's PID and sets the exit status")
    func signalsReachTheProgram() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients)]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            // The trap records the PID that received SIGTERM, then exits 42.
            let script = "trap 'echo $$ > got-term.txt; exit 42' TERM; echo $$ > ready.txt; while :; do sleep 0.1; done"
            var started: Int32 = 0
            let result = try await harness.run(
                ["exec", "tokens.yaml", "--", "/bin/sh", "-c", script], environment: ["BILLING_SECRET": "b-secret-value"],
                duringProcess: { _, pid in
                    started = pid
                    // Wait for the program to be running (it writes ready.txt), then signal the PID tokensmith was started as.
                    for _ in 0..<600 where !harness.exists("ready.txt") { try await Task.sleep(for: .milliseconds(100)) }
                    kill(pid, SIGTERM)
                })
            #expect(result.status == 42, "\(result.standardError)")
            let readyPID = harness.read("ready.txt")?.trimmingCharacters(in: .whitespacesAndNewlines)
            let signalledPID = harness.read("got-term.txt")?.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(readyPID == String(started))
            #expect(signalledPID == String(started))
        }
    }

    @Test("a failed grant: exit 1 and the program is not started, unless --allow-partial")
    func failedGrant() async throws {
        let harness = try RunHarness()
        var clients = Self.clients
        clients[1] = RegisteredClient(id: "reports", authentication: .clientSecretBasic(secret: "another"))
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let environment = ["BILLING_SECRET": "b-secret-value"]
            let refused = try await harness.run(
                ["exec", "tokens.yaml", "--no-state", "--", "/bin/sh", "-c", "touch started"], environment: environment)
            #expect(refused.status == 1)
            #expect(refused.standardError.contains("reports-eu.v2") && refused.standardError.contains("invalid_client"))
            #expect(!harness.exists("started"))
            let partial = try await harness.run(
                [
                    "exec", "tokens.yaml", "--no-state", "--allow-partial", "--", "/bin/sh", "-c",
                    #"[ -n "$APP_ACCESS_TOKEN" ] && [ -z "$REPORTS_EU_V2_ACCESS_TOKEN" ] && touch started"#,
                ],
                environment: environment)
            #expect(partial.status == 0, "\(partial.standardError)")
            #expect(harness.exists("started"))
        }
    }

    @Test("a program that is missing or cannot run: 127 and 126, as a shell says; a manifest error: 2")
    func programErrors() async throws {
        let harness = try RunHarness()
        try await withIssuers([LocalIssuer.Configuration(clients: Self.clients)]) { issuers in
            try harness.write(Self.manifest(issuers[0]), to: "tokens.yaml")
            let environment = ["BILLING_SECRET": "b-secret-value"]
            let missing = try await harness.run(
                ["exec", "tokens.yaml", "--no-state", "--", "no-such-program-here"], environment: environment)
            #expect(missing.status == 127)
            #expect(missing.standardError.contains("no-such-program-here: command not found"))
            let notExecutable = try await harness.run(
                ["exec", "tokens.yaml", "--no-state", "--", "./tokens.yaml"], environment: environment)
            #expect(notExecutable.status == 126)
            let broken = try await harness.run(["exec", "tokens.yaml", "--no-state", "--", "/bin/true"])
            #expect(broken.status == 2)
            #expect(broken.standardError.contains("BILLING_SECRET"))
        }
    }
}
