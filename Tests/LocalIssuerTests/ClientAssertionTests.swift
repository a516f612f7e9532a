import Foundation
import LocalIssuer
import Testing

@Suite("client_secret_jwt and private_key_jwt")
struct ClientAssertionTests {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    static func form(_ assertion: String, clientID: String? = nil) -> [(String, String)] {
        var form = [clientCredentials, ("client_assertion_type", assertionType), ("client_assertion", assertion)]
        if let clientID { form.append(("client_id", clientID)) }
        return form
    }

    @Test("client_secret_jwt accepts the right HMAC and refuses a wrong secret", arguments: ["HS256", "HS384", "HS512"])
    func clientSecretJWT(alg: String) async throws {
        let client = RegisteredClient(
            id: "hmac", authentication: .clientSecretJWT(secret: "a-long-shared-secret-of-at-least-64-bytes-for-hs512-0123456789abcdef"))
        try await withIssuer(.init(clients: [client])) { issuer in
            let good = try TestJWS.assertion(
                clientID: "hmac", audience: issuer.issuer, alg: alg,
                key: .hmac("a-long-shared-secret-of-at-least-64-bytes-for-hs512-0123456789abcdef"))
            let ok = try await HTTP.postForm(issuer.tokenEndpoint, Self.form(good, clientID: "hmac"))
            #expect(ok.status == 200)
            let bad = try TestJWS.assertion(clientID: "hmac", audience: issuer.issuer, alg: alg, key: .hmac("another secret"))
            let refused = try await HTTP.postForm(issuer.tokenEndpoint, Self.form(bad))
            #expect(refused.status == 401)
            #expect(refused.error == "invalid_client")
            #expect(issuer.statistics().authenticationMethodByClient["hmac"] == .clientSecretJWT)
        }
    }

    static let keyAlgorithms: [(TestKeyPair.Kind, String)] = [
        (.rsa2048, "RS256"), (.rsa2048, "RS384"), (.rsa2048, "RS512"),
        (.rsa2048, "PS256"), (.rsa2048, "PS384"), (.rsa2048, "PS512"),
        (.rsa3072, "RS256"), (.p256, "ES256"), (.p384, "ES384"), (.p521, "ES512"),
        (.ed25519, "EdDSA"), (.ed25519, "Ed25519"),
    ]

    @Test("private_key_jwt: the right key passes (PEM and JWK registration), another key is refused", arguments: keyAlgorithms)
    func privateKeyJWT(kind: TestKeyPair.Kind, alg: String) async throws {
        // RSA key generation is seconds of CPU: off the concurrency pool.
        let pair = try await onDedicatedThread { try TestKeyPair.generate(kind) }
        let other = try await onDedicatedThread { try TestKeyPair.generate(kind) }
        let clients = [
            RegisteredClient(id: "pem", authentication: .privateKeyJWT(publicKey: pair.publicKeyPEM)),
            RegisteredClient(id: "jwk", authentication: .privateKeyJWT(publicKey: pair.publicJWK)),
        ]
        try await withIssuer(.init(clients: clients)) { issuer in
            for id in ["pem", "jwk"] {
                let good = try TestJWS.assertion(clientID: id, audience: issuer.issuer, alg: alg, key: try .init(pair))
                let ok = try await HTTP.postForm(issuer.tokenEndpoint, Self.form(good))
                #expect(ok.status == 200, "\(id) \(alg): \(ok.body)")
                let forged = try TestJWS.assertion(clientID: id, audience: issuer.issuer, alg: alg, key: try .init(other))
                let refused = try await HTTP.postForm(issuer.tokenEndpoint, Self.form(forged))
                #expect(refused.status == 401)
                #expect(refused.error == "invalid_client")
            }
            #expect(issuer.statistics().authenticationMethodByClient["pem"] == .privateKeyJWT)
        }
    }

    @Test("Assertion claims are checked: expiry, replay, audience, issuer, iat, type, algorithm")
    func claimChecks() async throws {
        let pair = try TestKeyPair.generate(.p256)
        let key = try TestJWS.Key(pair)
        let client = RegisteredClient(id: "svc", authentication: .privateKeyJWT(publicKey: pair.publicKeyPEM))
        try await withIssuer(.init(issuerPath: "/tenant", clients: [client])) { issuer in
            func post(_ assertion: String, type: String = ClientAssertionTests.assertionType) async throws -> TestResponse {
                try await HTTP.postForm(
                    issuer.tokenEndpoint, [clientCredentials, ("client_assertion_type", type), ("client_assertion", assertion)])
            }
            // aud = token endpoint is accepted and recorded.
            let toEndpoint = try await post(try TestJWS.assertion(clientID: "svc", audience: issuer.tokenEndpoint, alg: "ES256", key: key))
            #expect(toEndpoint.status == 200)
            #expect(issuer.statistics().assertionAudienceByClient["svc"] == issuer.tokenEndpoint)
            // aud as an array containing the issuer.
            let asArray = try await post(
                try TestJWS.assertion(clientID: "svc", audience: ["https://other.example", issuer.issuer], alg: "ES256", key: key))
            #expect(asArray.status == 200)
            #expect(issuer.statistics().assertionAudienceByClient["svc"] == issuer.issuer)

            let expired = try await post(
                try TestJWS.assertion(clientID: "svc", audience: issuer.issuer, alg: "ES256", key: key, expiresIn: -30))
            #expect(expired.status == 401)

            let once = try TestJWS.assertion(clientID: "svc", audience: issuer.issuer, alg: "ES256", key: key, jti: "fixed-jti")
            #expect(try await post(once).status == 200)
            let replayed = try await post(once)
            #expect(replayed.status == 401)
            #expect(replayed.json["error_description"] as? String == "The client assertion was already used (replayed `jti`).")
            let sameJTI = try await post(
                try TestJWS.assertion(clientID: "svc", audience: issuer.issuer, alg: "ES256", key: key, jti: "fixed-jti"))
            #expect(sameJTI.status == 401)

            let origin = "http://127.0.0.1:\(issuer.port)"
            let wrongAudience = try await post(try TestJWS.assertion(clientID: "svc", audience: origin, alg: "ES256", key: key))
            #expect(wrongAudience.status == 401)

            let wrongIssuer = try await post(
                try TestJWS.assertion(clientID: "svc", audience: issuer.issuer, alg: "ES256", key: key, issuer: "someone-else"))
            #expect(wrongIssuer.status == 401)

            let future = try await post(
                try TestJWS.assertion(
                    clientID: "svc", audience: issuer.issuer, alg: "ES256", key: key, expiresIn: 7200, issuedAtOffset: 3600))
            #expect(future.status == 401)

            let wrongType = try await post(
                try TestJWS.assertion(clientID: "svc", audience: issuer.issuer, alg: "ES256", key: key), type: "urn:example:saml")
            #expect(wrongType.status == 401)

            // HS256 keyed with the PEM text must not pass for a private_key_jwt client (algorithm confusion).
            let confusion = try await post(
                try TestJWS.assertion(clientID: "svc", audience: issuer.issuer, alg: "HS256", key: .hmac(pair.publicKeyPEM)))
            #expect(confusion.status == 401)

            let noJTI = try TestJWS.sign(
                header: ["alg": "ES256"],
                claims: ["iss": "svc", "sub": "svc", "aud": issuer.issuer, "exp": Int(Date().timeIntervalSince1970) + 60],
                alg: "ES256",
                key: key
            )
            #expect(try await post(noJTI).status == 401)

            let missingAssertion = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials, ("client_assertion_type", Self.assertionType), ("client_id", "svc")])
            #expect(missingAssertion.status == 400)
            #expect(missingAssertion.error == "invalid_request")
        }
    }
}
