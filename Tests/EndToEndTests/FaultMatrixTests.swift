import Foundation
import LocalIssuer
import Testing

/// One `run` over clients that hit every LocalIssuer fault mode at once, plus
/// healthy ones: recoverable clients get their tokens, broken ones fail with
/// their own error code, nothing hangs, and the exit status is 1.
@Suite("Fault matrix (built binary)")
struct FaultMatrixTests {
    /// Client name → (faults, expected status, expected error code or nil).
    static let cases: [(String, [Fault], String, String?)] = [
        ("healthy-1", [], "granted", nil),
        ("healthy-2", [], "granted", nil),
        ("flaky-5xx", [.serverError(status: 502, times: 2)], "granted", nil),
        ("rate-limited", [.rateLimited(retryAfterSeconds: 1, times: 1)], "granted", nil),
        ("slow", [.delay(.seconds(20))], "failed", "timeout"),
        ("dropped", [.closeConnection(times: 100)], "failed", nil),
        ("malformed", [.malformedJSON], "failed", "notJSON"),
        ("array", [.jsonArray], "failed", "invalidResponse"),
        ("oversized", [.oversizedBody], "failed", "responseTooLarge"),
        ("no-access-token", [.missingAccessToken], "failed", "invalidResponse"),
        ("no-token-type", [.missingTokenType], "failed", "invalidResponse"),
        ("negative-expiry", [.negativeExpiresIn], "failed", "invalidResponse"),
        ("dpop-without-proof", [.dpopTokenTypeWithoutProof], "failed", "dpopBoundTokenWithoutDPoP"),
        ("html", [.htmlErrorPage(status: 500)], "failed", "unexpectedStatus"),
        ("endless", [.endlessBody(chunkInterval: .milliseconds(20))], "failed", nil),
        ("redirect", [.redirect(location: "http://elsewhere.invalid/token")], "failed", "redirectNotFollowed"),
    ]

    @Test("every fault at once: right outcome and error code per client, bounded time, exit 1")
    func matrix() async throws {
        let harness = try RunHarness()
        var clients = Self.cases.map { RegisteredClient(id: $0.0, authentication: .clientSecretBasic(secret: "s"), faults: $0.1) }
        clients.append(RegisteredClient(id: "bad-credentials", authentication: .clientSecretBasic(secret: "right")))
        let wrongIssuer = LocalIssuer.Configuration(
            serveWrongIssuer: true, clients: [RegisteredClient(id: "w", authentication: .clientSecretBasic(secret: "s"))])
        let nonce = LocalIssuer.Configuration(
            requireDPoPNonce: true,
            clients: [RegisteredClient(id: "n", authentication: .clientSecretBasic(secret: "s"), requiresDPoP: true)])
        try await withIssuers([LocalIssuer.Configuration(clients: clients), wrongIssuer, nonce]) { issuers in
            var manifest = """
                version: 1
                defaults:
                  timeout: 3s
                  retry: {attempts: 3, initial_backoff: 20ms, max_backoff: 2s}
                issuers:
                  main: {issuer: "\(issuers[0].issuer)", allow_insecure_http: true}
                  wrong: {issuer: "\(issuers[1].issuer)", allow_insecure_http: true}
                  nonce: {issuer: "\(issuers[2].issuer)", allow_insecure_http: true}
                clients:
                  - {name: bad-credentials, issuer: main, client_id: bad-credentials, auth: {method: client_secret_basic, secret: wrong}}
                  - {name: wrong-issuer, issuer: wrong, client_id: w, auth: {method: client_secret_basic, secret: s}}
                  - {name: dpop-nonce, issuer: nonce, client_id: n, auth: {method: client_secret_basic, secret: s}, dpop: true}

                """
            for (name, _, _, _) in Self.cases {
                manifest += "  - {name: \(name), issuer: main, client_id: \(name), auth: {method: client_secret_basic, secret: s}}\n"
            }
            manifest += "outputs:\n  - json: out/tokens.json\n"
            try harness.write(manifest, to: "m.yaml")
            let result = try await harness.run(["run", "m.yaml", "--deadline", "40s", "--report", "report.json", "--log-format", "json"])
            #expect(result.status == 1, "stderr: \(result.standardError)")
            // Nothing hangs: every client ended (granted or failed with its own
            // error) before the run's --deadline fired, so none was cancelled.
            let report = try jsonObject(harness.read("report.json"))
            #expect(report["deadline_exceeded"] as? Bool == false)
            #expect((report["counts"] as? [String: Int])?["cancelled"] == 0, "\(report["counts"] ?? "")")
            let entries = try #require(report["clients"] as? [[String: Any]])
            var byName: [String: [String: Any]] = [:]
            for entry in entries { byName[entry["name"] as? String ?? ""] = entry }
            var expectations = Self.cases.map { ($0.0, $0.2, $0.3) }
            expectations += [
                ("bad-credentials", "failed", "invalid_client"), ("wrong-issuer", "failed", "discovery"), ("dpop-nonce", "granted", nil),
            ]
            for (name, status, code) in expectations {
                let entry = byName[name] ?? [:]
                #expect(entry["status"] as? String == status, "\(name): \(entry)")
                if let code { #expect(entry["error_code"] as? String == code, "\(name): \(entry)") }
                if status == "failed" { #expect(!(entry["detail"] as? String ?? "").isEmpty, "\(name) has no message") }
            }
            let wrongIssuerDetail: String = byName["wrong-issuer"]?["detail"] as? String ?? ""
            #expect(wrongIssuerDetail.contains("issuer"))
            let tokens = try jsonObject(harness.read("out/tokens.json"))["clients"] as? [String: Any] ?? [:]
            #expect(Set(tokens.keys) == ["healthy-1", "healthy-2", "flaky-5xx", "rate-limited", "dpop-nonce"])
            // JSON log lines: one object per line, none carrying a secret or a token.
            let accessTokens = tokens.values.compactMap { ($0 as? [String: Any])?["access_token"] as? String }
            for line in result.standardError.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not a JSON line: \(line)")
                for token in accessTokens { #expect(!line.contains(token)) }
                #expect(!line.contains("secret: wrong"))
            }
        }
    }
}
