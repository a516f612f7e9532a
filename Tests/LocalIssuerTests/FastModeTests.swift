import Foundation
import LocalIssuer
import Testing

@Suite("Fast mode and config files")
struct FastModeTests {
    @Test("Fast mode issues opaque tokens and still checks credentials")
    func opaqueTokens() async throws {
        let client = RegisteredClient(id: "bench", authentication: .clientSecretBasic(secret: "s"))
        try await withIssuer(.init(fastMode: true, clients: [client])) { issuer in
            var tokens = Set<String>()
            for _ in 0..<50 {
                let response = try await HTTP.postForm(
                    issuer.tokenEndpoint, [clientCredentials], headers: [("Authorization", Form.basic("bench", "s"))])
                #expect(response.status == 200)
                let token = try #require(response.json["access_token"] as? String)
                #expect(!token.contains("."))
                #expect(token.count >= 40)
                tokens.insert(token)
            }
            #expect(tokens.count == 50)
            let bad = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials], headers: [("Authorization", Form.basic("bench", "x"))])
            #expect(bad.status == 401)
        }
    }

    @Test("A config file registers 10,000 pattern clients and faults")
    func configFile() async throws {
        let folder = try TemporaryFolder()
        let pair = try TestKeyPair.generate(.p256)
        _ = try folder.write("svc.pub.pem", pair.publicKeyPEM)
        let path = try folder.write(
            "issuer.json",
            """
            {
              "issuer_path": "/realms/bench",
              "fast_mode": true,
              "expires_in": 60,
              "clients": [
                { "id_prefix": "client-", "count": 10000, "secret": "s", "method": "client_secret_basic" },
                { "id": "svc", "method": "private_key_jwt", "public_key_file": "svc.pub.pem", "scopes": ["read"] },
                { "id": "flaky", "method": "client_secret_post", "secret": "s",
                  "faults": [ { "kind": "server_error", "status": 503, "times": 1 } ] }
              ]
            }
            """)
        let configuration = try LocalIssuer.Configuration.load(contentsOfFile: path)
        #expect(configuration.clients.count == 10_002)
        #expect(configuration.issuerPath == "/realms/bench")
        try await withIssuer(configuration) { issuer in
            for id in ["client-1", "client-10000"] {
                let response = try await HTTP.postForm(
                    issuer.tokenEndpoint, [clientCredentials], headers: [("Authorization", Form.basic(id, "s"))])
                #expect(response.status == 200)
                #expect(response.json["expires_in"] as? Int == 60)
            }
            #expect(
                try await HTTP.postForm(
                    issuer.tokenEndpoint, [clientCredentials], headers: [("Authorization", Form.basic("client-10001", "s"))]
                ).status == 401)
            let assertion = try TestJWS.assertion(clientID: "svc", audience: issuer.issuer, alg: "ES256", key: try .init(pair))
            let jwt = try await HTTP.postForm(issuer.tokenEndpoint, ClientAssertionTests.form(assertion))
            #expect(jwt.status == 200)
            let flaky = [clientCredentials, ("client_id", "flaky"), ("client_secret", "s")]
            #expect(try await HTTP.postForm(issuer.tokenEndpoint, flaky).status == 503)
            #expect(try await HTTP.postForm(issuer.tokenEndpoint, flaky).status == 200)
        }

        let broken = try folder.write("broken.json", #"{"clients":[{"id":"x","method":"client_secret_basic"}]}"#)
        #expect(throws: LocalIssuerError.self) { try LocalIssuer.Configuration.load(contentsOfFile: broken) }
    }
}
