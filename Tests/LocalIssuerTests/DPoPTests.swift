import Foundation
import LocalIssuer
import Testing

@Suite("DPoP proofs (RFC 9449)")
struct DPoPTests {
    static let client = RegisteredClient(id: "svc", authentication: .clientSecretPost(secret: "s"))
    static let credentials = [clientCredentials, ("client_id", "svc"), ("client_secret", "s")]

    @Test(
        "A valid proof yields a DPoP token bound to the key thumbprint",
        arguments: [
            (TestKeyPair.Kind.p256, "ES256"), (.p384, "ES384"), (.ed25519, "EdDSA"), (.rsa2048, "RS256"), (.rsa2048, "PS256"),
        ])
    func validProof(kind: TestKeyPair.Kind, alg: String) async throws {
        let pair = try await onDedicatedThread { try TestKeyPair.generate(kind) }
        try await withIssuer(.init(clients: [Self.client])) { issuer in
            let proof = try TestJWS.dpopProof(pair: pair, alg: alg, htu: issuer.tokenEndpoint)
            let response = try await HTTP.postForm(issuer.tokenEndpoint, Self.credentials, headers: [("DPoP", proof)])
            #expect(response.status == 200, "\(response.body)")
            #expect(response.json["token_type"] as? String == "DPoP")
            let claims = jwtClaims(response.json["access_token"] as? String ?? "")
            #expect((claims["cnf"] as? [String: Any])?["jkt"] as? String == pair.thumbprint)
            #expect(issuer.statistics().dpopProofsByClient["svc"] == 1)
        }
    }

    @Test("Bad proofs are refused: replay, htu, htm, typ, signature, iat, private jwk")
    func badProofs() async throws {
        let pair = try TestKeyPair.generate(.p256)
        let other = try TestKeyPair.generate(.p256)
        try await withIssuer(.init(clients: [Self.client])) { issuer in
            func post(_ proof: String) async throws -> TestResponse {
                try await HTTP.postForm(issuer.tokenEndpoint, Self.credentials, headers: [("DPoP", proof)])
            }
            let proof = try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint, jti: "dpop-once")
            #expect(try await post(proof).status == 200)
            let replay = try await post(proof)
            #expect(replay.status == 400)
            #expect(replay.error == "invalid_dpop_proof")

            let wrongHTU = try await post(try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: "http://localhost:\(issuer.port)/token"))
            #expect(wrongHTU.error == "invalid_dpop_proof")
            let wrongPath = try await post(try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.issuer + "/other"))
            #expect(wrongPath.error == "invalid_dpop_proof")
            // A query on htu is ignored (RFC 9449 §4.3 step 9).
            #expect(try await post(try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint + "?x=1")).status == 200)

            #expect(
                try await post(try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint, htm: "GET")).error
                    == "invalid_dpop_proof")
            #expect(
                try await post(try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint, typ: "JWT")).error
                    == "invalid_dpop_proof")
            #expect(
                try await post(try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint, iatOffset: -600)).error
                    == "invalid_dpop_proof")

            // Signed by another key than the one in the header.
            let jwk = try JSONSerialization.jsonObject(with: Data(pair.publicJWK.utf8))
            let forged = try TestJWS.sign(
                header: ["typ": "dpop+jwt", "alg": "ES256", "jwk": jwk],
                claims: ["jti": UUID().uuidString, "htm": "POST", "htu": issuer.tokenEndpoint, "iat": Int(Date().timeIntervalSince1970)],
                alg: "ES256",
                key: try .init(other)
            )
            #expect(try await post(forged).error == "invalid_dpop_proof")

            // A jwk carrying the private scalar.
            var privateJWK = jwk as? [String: Any] ?? [:]
            privateJWK["d"] = "AAAA"
            let leaky = try TestJWS.sign(
                header: ["typ": "dpop+jwt", "alg": "ES256", "jwk": privateJWK],
                claims: ["jti": UUID().uuidString, "htm": "POST", "htu": issuer.tokenEndpoint, "iat": Int(Date().timeIntervalSince1970)],
                alg: "ES256",
                key: try .init(pair)
            )
            #expect(try await post(leaky).error == "invalid_dpop_proof")
            #expect(issuer.statistics().dpopProofs == 10)
        }
    }

    @Test("A client registered as DPoP-required must send a proof")
    func requiredProof() async throws {
        var client = Self.client
        client.requiresDPoP = true
        let pair = try TestKeyPair.generate(.p256)
        try await withIssuer(.init(clients: [client])) { issuer in
            let missing = try await HTTP.postForm(issuer.tokenEndpoint, Self.credentials)
            #expect(missing.status == 400)
            #expect(missing.error == "invalid_dpop_proof")
            let proof = try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint)
            #expect(try await HTTP.postForm(issuer.tokenEndpoint, Self.credentials, headers: [("DPoP", proof)]).status == 200)
        }
    }

    @Test("Nonce mode: a proof without nonce gets use_dpop_nonce and a DPoP-Nonce header; with it, a token")
    func nonce() async throws {
        let pair = try TestKeyPair.generate(.p256)
        try await withIssuer(.init(requireDPoPNonce: true, clients: [Self.client])) { issuer in
            let first = try await HTTP.postForm(
                issuer.tokenEndpoint, Self.credentials,
                headers: [("DPoP", try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint))])
            #expect(first.status == 400)
            #expect(first.error == "use_dpop_nonce")
            let nonce = try #require(first.header("DPoP-Nonce"))
            let wrong = try await HTTP.postForm(
                issuer.tokenEndpoint, Self.credentials,
                headers: [("DPoP", try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint, nonce: "made-up"))])
            #expect(wrong.error == "use_dpop_nonce")
            let second = try await HTTP.postForm(
                issuer.tokenEndpoint, Self.credentials,
                headers: [("DPoP", try TestJWS.dpopProof(pair: pair, alg: "ES256", htu: issuer.tokenEndpoint, nonce: nonce))])
            #expect(second.status == 200)
            #expect(second.header("DPoP-Nonce") != nil)
        }
    }
}
