import Foundation
import LocalIssuer
import Testing

@Suite("Faults")
struct FaultTests {
    /// Starts an issuer with one client `c` (client_secret_post, secret `s`) having `faults`.
    static func withFaulty(_ faults: [Fault], _ body: (LocalIssuer, () async throws -> TestResponse) async throws -> Void) async throws {
        let client = RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "s"), expiresIn: 120, faults: faults)
        try await withIssuer(.init(clients: [client])) { issuer in
            try await body(issuer) {
                try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("client_id", "c"), ("client_secret", "s")])
            }
        }
    }

    @Test("Server errors N times, then success")
    func serverErrors() async throws {
        try await Self.withFaulty([.serverError(status: 503, times: 2)]) { issuer, post in
            do { let r = try await post(); #expect(r.status == 503) }
            do { let r = try await post(); #expect(r.status == 503) }
            do { let r = try await post(); #expect(r.status == 200) }
            #expect(issuer.statistics().tokenRequestsByClient["c"] == 3)
            #expect(issuer.statistics().tokensIssuedByClient["c"] == 1)
        }
        try await Self.withFaulty([.serverError(status: 502, times: 1)]) { _, post in
            do { let r = try await post(); #expect(r.status == 502) }
            do { let r = try await post(); #expect(r.status == 200) }
        }
    }

    @Test("429 with Retry-After N times")
    func rateLimited() async throws {
        try await Self.withFaulty([.rateLimited(retryAfterSeconds: 7, times: 1)]) { _, post in
            let limited = try await post()
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "7")
            do { let r = try await post(); #expect(r.status == 200) }
        }
    }

    @Test("Delay")
    func delay() async throws {
        try await Self.withFaulty([.delay(.milliseconds(300))]) { _, post in
            let start = ContinuousClock.now
            do { let r = try await post(); #expect(r.status == 200) }
            #expect(ContinuousClock.now - start >= .milliseconds(300))
        }
    }

    @Test("Closed connection without an answer, then success")
    func closeConnection() async throws {
        try await Self.withFaulty([.closeConnection(times: 1)]) { issuer, _ in
            let dropped = try await Subprocess.curl([
                "-d", "grant_type=client_credentials&client_id=c&client_secret=s", issuer.tokenEndpoint,
            ])
            #expect(dropped.status == -52)  // curl: empty reply from server
            let ok = try await Subprocess.curl(["-d", "grant_type=client_credentials&client_id=c&client_secret=s", issuer.tokenEndpoint])
            #expect(ok.status == 200)
        }
    }

    @Test("Malformed bodies: not JSON, array, missing members, wrong types")
    func malformedBodies() async throws {
        try await Self.withFaulty([.malformedJSON]) { _, post in
            let response = try await post()
            #expect(response.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) == nil)
        }
        try await Self.withFaulty([.jsonArray]) { _, post in
            let body = try await post().body
            #expect(try JSONSerialization.jsonObject(with: Data(body.utf8)) is [Any])
        }
        try await Self.withFaulty([.missingAccessToken]) { _, post in
            let json = try await post().json
            #expect(json["access_token"] == nil && json["token_type"] as? String == "Bearer")
        }
        try await Self.withFaulty([.missingTokenType]) { _, post in
            let json = try await post().json
            #expect(json["token_type"] == nil && json["access_token"] is String)
        }
        try await Self.withFaulty([.expiresInAsString]) { _, post in
            do { let r = try await post(); #expect(r.json["expires_in"] as? String == "120") }
        }
        try await Self.withFaulty([.negativeExpiresIn]) { _, post in
            do { let r = try await post(); #expect(r.json["expires_in"] as? Int == -120) }
        }
        try await Self.withFaulty([.dpopTokenTypeWithoutProof]) { _, post in
            do { let r = try await post(); #expect(r.json["token_type"] as? String == "DPoP") }
        }
    }

    @Test("HTML error pages, oversized body, redirect")
    func oddResponses() async throws {
        for status in [500, 200] {
            try await Self.withFaulty([.htmlErrorPage(status: status)]) { _, post in
                let response = try await post()
                #expect(response.status == status)
                #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
                #expect(response.body.contains("<html>"))
            }
        }
        try await Self.withFaulty([.oversizedBody]) { _, post in
            let response = try await post()
            #expect(response.status == 200)
            #expect(response.body.utf8.count > 1 << 20)
        }
        try await Self.withFaulty([.redirect(location: "http://127.0.0.1:9/token")]) { issuer, _ in
            let response = try await Subprocess.curl([
                "-d", "grant_type=client_credentials&client_id=c&client_secret=s", issuer.tokenEndpoint,
            ])
            #expect(response.status == 302)
            #expect(response.header("Location") == "http://127.0.0.1:9/token")
        }
    }

    @Test("Endless streaming body keeps sending until the client gives up")
    func endlessBody() async throws {
        try await Self.withFaulty([.endlessBody(chunkInterval: .milliseconds(50))]) { issuer, _ in
            let result = try await Subprocess.run(
                "/usr/bin/curl",
                ["-s", "--max-time", "1", "-d", "grant_type=client_credentials&client_id=c&client_secret=s", issuer.tokenEndpoint])
            #expect(result.status == 28)  // curl: operation timed out
            #expect(result.stdout.hasPrefix("{\"access_token\":\"aaaa"))
            #expect(result.stdout.count > 100)
        }
    }

    @Test("Faults need valid credentials first, and re-registering resets counters")
    func faultsAfterAuthentication() async throws {
        try await Self.withFaulty([.serverError(status: 500, times: 1)]) { issuer, post in
            let wrong = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("client_id", "c"), ("client_secret", "bad")])
            #expect(wrong.status == 401)
            do { let r = try await post(); #expect(r.status == 500) }
            do { let r = try await post(); #expect(r.status == 200) }
            issuer.register(
                RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "s"), faults: [.serverError(status: 500, times: 1)]))
            do { let r = try await post(); #expect(r.status == 500) }
        }
    }
}
