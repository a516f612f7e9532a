import Crypto
import Foundation
import LocalIssuer
import Testing

@Suite("Discovery and JWKS")
struct DiscoveryTests {
    @Test("Both well-known paths for an issuer without a path")
    func rootIssuer() async throws {
        try await withIssuer { issuer in
            #expect(issuer.issuer == "http://127.0.0.1:\(issuer.port)")
            for url in [issuer.discoveryURLs.openIDConfiguration, issuer.discoveryURLs.oauthAuthorizationServer] {
                let response = try await HTTP.get(url)
                #expect(response.status == 200)
                #expect(response.json["issuer"] as? String == issuer.issuer)
                #expect(response.json["token_endpoint"] as? String == issuer.tokenEndpoint)
                #expect(response.json["jwks_uri"] as? String == issuer.jwksURI)
                #expect((response.json["token_endpoint_auth_methods_supported"] as? [String])?.contains("private_key_jwt") == true)
                #expect((response.json["token_endpoint_auth_signing_alg_values_supported"] as? [String])?.contains("Ed25519") == true)
                #expect((response.json["dpop_signing_alg_values_supported"] as? [String])?.contains("ES256") == true)
                #expect((response.json["dpop_signing_alg_values_supported"] as? [String])?.contains("HS256") == false)
                #expect(response.json["mtls_endpoint_aliases"] == nil)
            }
        }
    }

    @Test("An issuer with a path: OIDC appends, RFC 8414 inserts")
    func pathIssuer() async throws {
        try await withIssuer(.init(issuerPath: "/realms/prod")) { issuer in
            let origin = "http://127.0.0.1:\(issuer.port)"
            #expect(issuer.issuer == origin + "/realms/prod")
            let oidc = try await HTTP.get(origin + "/realms/prod/.well-known/openid-configuration")
            #expect(oidc.status == 200)
            #expect(oidc.json["issuer"] as? String == issuer.issuer)
            let rfc8414 = try await HTTP.get(origin + "/.well-known/oauth-authorization-server/realms/prod")
            #expect(rfc8414.status == 200)
            #expect(rfc8414.json["issuer"] as? String == issuer.issuer)
            #expect(try await HTTP.get(origin + "/.well-known/openid-configuration").status == 404)
            #expect(try await HTTP.get(origin + "/realms/prod/.well-known/oauth-authorization-server").status == 404)
            #expect(issuer.statistics().discoveryRequests == 2)
        }
    }

    @Test("serveWrongIssuer advertises another issuer value")
    func wrongIssuer() async throws {
        try await withIssuer(.init(serveWrongIssuer: true)) { issuer in
            let response = try await HTTP.get(issuer.discoveryURLs.openIDConfiguration)
            let advertised = try #require(response.json["issuer"] as? String)
            #expect(advertised != issuer.issuer)
            #expect(response.json["token_endpoint"] as? String == issuer.tokenEndpoint)
        }
    }

    @Test("Access tokens verify against the published JWKS key")
    func accessTokenSignature() async throws {
        let client = RegisteredClient(
            id: "svc", authentication: .clientSecretPost(secret: "s"), allowedScopes: ["read", "write"], expiresIn: 900)
        try await withIssuer(.init(clients: [client])) { issuer in
            let jwks = try await HTTP.get(issuer.jwksURI).json
            let key = try #require((jwks["keys"] as? [[String: Any]])?.first)
            #expect(key["kty"] as? String == "EC" && key["crv"] as? String == "P-256")
            func decode(_ text: String) -> Data {
                var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
                while base64.count % 4 != 0 { base64 += "=" }
                return Data(base64Encoded: base64) ?? Data()
            }
            let publicKey = try P256.Signing.PublicKey(
                rawRepresentation: decode(key["x"] as? String ?? "") + decode(key["y"] as? String ?? ""))
            let response = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials, ("client_id", "svc"), ("client_secret", "s"), ("scope", "read")])
            #expect(response.json["expires_in"] as? Int == 900)
            #expect(response.json["scope"] as? String == "read")
            let token = try #require(response.json["access_token"] as? String)
            let parts = token.split(separator: ".").map(String.init)
            let signature = try P256.Signing.ECDSASignature(rawRepresentation: decode(parts[2]))
            #expect(publicKey.isValidSignature(signature, for: SHA256.hash(data: Data((parts[0] + "." + parts[1]).utf8))))
            let claims = jwtClaims(token)
            #expect(claims["scope"] as? String == "read")
            #expect(claims["client_id"] as? String == "svc")
            let exp = try #require(claims["exp"] as? Int)
            let iat = try #require(claims["iat"] as? Int)
            #expect(exp - iat == 900)
            #expect(claims["jti"] is String)
        }
    }
}
