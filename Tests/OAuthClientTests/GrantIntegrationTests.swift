import Foundation
import LocalIssuer
import NIOConcurrencyHelpers
import Testing
@testable import OAuthClient

@Suite("Client credentials grant against the LocalIssuer")
struct GrantIntegrationTests {
    @Test("client_secret_basic, client_secret_post and none")
    func secretMethods() async throws {
        try await withLocalIssuer(
            .init(clients: [
                RegisteredClient(id: "basic %&+-_.!~*'()", authentication: .clientSecretBasic(secret: "s:e %+cret")),
                RegisteredClient(id: "post", authentication: .clientSecretPost(secret: "p&s=")),
                RegisteredClient(id: "public", authentication: .none),
            ])
        ) { issuer in
            let basic = try await clientCredentialsGrant(
                configuration(issuer, clientID: "basic %&+-_.!~*'()", authentication: .clientSecretBasic("s:e %+cret")),
                parameters: ["scope": "read write"]
            )
            #expect(basic.tokenType == "bearer")
            #expect(!basic.accessToken.isEmpty)
            #expect(basic.expiresIn == 3600)
            #expect(basic.scope == "read write")
            // About an hour left; how many seconds the grant itself took depends on the machine's load.
            #expect((basic.expiresIn(now: Date()) ?? 0) > 3000)
            _ = try await clientCredentialsGrant(configuration(issuer, clientID: "post", authentication: .clientSecretPost("p&s=")))
            _ = try await clientCredentialsGrant(configuration(issuer, clientID: "public", authentication: .none))
            let statistics = issuer.statistics()
            #expect(statistics.authenticationMethodByClient["basic %&+-_.!~*'()"] == .clientSecretBasic)
            #expect(statistics.authenticationMethodByClient["post"] == .clientSecretPost)
            #expect(statistics.authenticationMethodByClient["public"] == AuthenticationMethod.none)
        }
    }

    @Test("client_secret_jwt with every HMAC algorithm", arguments: ClientAuthentication.HMACAlgorithm.allCases)
    func clientSecretJWT(algorithm: ClientAuthentication.HMACAlgorithm) async throws {
        let secret = "a-long-enough-shared-secret-for-hmac-sha-512-0123456789abcdef0123"
        try await withLocalIssuer(.init(clients: [RegisteredClient(id: "hs", authentication: .clientSecretJWT(secret: secret))])) {
            issuer in
            let response = try await clientCredentialsGrant(
                configuration(issuer, clientID: "hs", authentication: .clientSecretJWT(secret, algorithm: algorithm)))
            #expect(response.tokenType == "bearer")
            #expect(issuer.statistics().authenticationMethodByClient["hs"] == .clientSecretJWT)
            #expect(issuer.statistics().assertionAudienceByClient["hs"] == issuer.issuer)
        }
    }

    static let keyCases: [(TestKeyPair.Kind, JWSAlgorithm)] = [
        (.rsa2048, .rs256), (.rsa2048, .rs384), (.rsa2048, .rs512), (.rsa2048, .ps256), (.rsa2048, .ps384), (.rsa2048, .ps512),
        (.p256, .es256), (.p384, .es384), (.p521, .es512), (.ed25519, .edDSA), (.ed25519, .ed25519),
    ]

    @Test("private_key_jwt with every key type and algorithm", arguments: keyCases)
    func privateKeyJWT(kind: TestKeyPair.Kind, algorithm: JWSAlgorithm) async throws {
        // RSA key generation is seconds of CPU: off the concurrency pool.
        let pair = try await onDedicatedThread { try TestKeyPair.generate(kind) }
        try await withLocalIssuer(
            .init(clients: [RegisteredClient(id: "pk", authentication: .privateKeyJWT(publicKey: pair.publicKeyPEM))])
        ) { issuer in
            let key = try SigningKey(pem: pair.privateKeyPEM, algorithm: algorithm, keyID: "k1")
            let config = configuration(issuer, clientID: "pk", authentication: .privateKeyJWT(key))
            _ = try await clientCredentialsGrant(config)
            _ = try await clientCredentialsGrant(config)  // a fresh assertion: the server refuses replayed jti
            #expect(issuer.statistics().tokensIssuedByClient["pk"] == 2)
        }
    }

    @Test("private_key_jwt with a JWK key, the token endpoint as audience and a certificate thumbprint")
    func privateKeyJWTOptions() async throws {
        let pair = try TestKeyPair.generate(.p256)
        let pki = try TestPKI()
        let client = try pki.makeClientCertificate(commonName: "svc")
        try await withLocalIssuer(.init(clients: [RegisteredClient(id: "pk", authentication: .privateKeyJWT(publicKey: pair.publicJWK))])) {
            issuer in
            let key = try SigningKey(text: pair.privateKeyPEM)
            let options = ClientAssertionOptions(
                keyID: "kid-x", audience: .tokenEndpoint,
                certificateThumbprint: try CertificateThumbprint(certificatePEM: client.certificatePEM, headers: [.sha256, .sha1])
            )
            _ = try await clientCredentialsGrant(
                configuration(issuer, clientID: "pk", authentication: .privateKeyJWT(key, options: options)))
            #expect(issuer.statistics().assertionAudienceByClient["pk"] == issuer.tokenEndpoint)
        }
    }

    @Test("repeated resource indicators and audience parameters are sent in order")
    func resources() async throws {
        try await withLocalIssuer(
            .init(clients: [
                RegisteredClient(
                    id: "c", authentication: .clientSecretPost(secret: "s"), allowedResources: ["https://a.example", "https://b.example"])
            ])
        ) { issuer in
            var parameters = TokenRequestParameters()
            parameters.addResource("https://a.example")
            parameters.addResource("https://b.example")
            _ = try await clientCredentialsGrant(
                configuration(issuer, clientID: "c", authentication: .clientSecretPost("s")), parameters: parameters)
            var forbidden = TokenRequestParameters()
            forbidden.addResource("https://c.example")
            let error = await caught {
                try await clientCredentialsGrant(
                    configuration(issuer, clientID: "c", authentication: .clientSecretPost("s")), parameters: forbidden)
            }
            #expect((error as? ResponseBodyError)?.error == "invalid_target")
        }
    }

    @Test("DPoP without a nonce, with every proof algorithm", arguments: [JWSAlgorithm.es256, .es384, .edDSA, .rs256, .ps256])
    func dpop(algorithm: JWSAlgorithm) async throws {
        try await withLocalIssuer(
            .init(clients: [RegisteredClient(id: "d", authentication: .clientSecretBasic(secret: "s"), requiresDPoP: true)])
        ) { issuer in
            let handle = try await onDedicatedThread { try DPoPHandle.generate(algorithm) }
            let response = try await clientCredentialsGrant(
                configuration(issuer, clientID: "d", authentication: .clientSecretBasic("s")), dpop: handle)
            #expect(response.tokenType == "dpop")
            #expect(response.isDPoPBound)
            #expect(response.warnings.isEmpty)
            #expect(issuer.statistics().dpopProofsByClient["d"] == 1)
        }
    }

    @Test("DPoP with a required nonce: one automatic retry with the nonce and a fresh assertion, then the nonce is reused")
    func dpopNonce() async throws {
        let pair = try TestKeyPair.generate(.p256)
        try await withLocalIssuer(
            .init(
                requireDPoPNonce: true,
                clients: [RegisteredClient(id: "d", authentication: .privateKeyJWT(publicKey: pair.publicKeyPEM), requiresDPoP: true)])
        ) { issuer in
            let handle = try DPoPHandle.generate()
            let config = configuration(issuer, clientID: "d", authentication: .privateKeyJWT(try SigningKey(pem: pair.privateKeyPEM)))
            let first = try await clientCredentialsGrant(config, dpop: handle)
            #expect(first.tokenType == "dpop")
            #expect(issuer.statistics().tokenRequestsByClient["d"] == 2)
            let origin = try Endpoint(URL(string: issuer.tokenEndpoint)!, allowInsecureHTTP: true, role: "t").origin
            #expect(handle.nonce(forOrigin: origin) != nil)
            _ = try await clientCredentialsGrant(config, dpop: handle)
            #expect(issuer.statistics().tokenRequestsByClient["d"] == 3)
        }
    }

    @Test("concurrent grants share one DPoP handle and one configuration")
    func concurrentDPoP() async throws {
        try await withLocalIssuer(
            .init(
                requireDPoPNonce: true,
                clients: [RegisteredClient(id: "d", authentication: .clientSecretPost(secret: "s"), requiresDPoP: true)])
        ) { issuer in
            let handle = try DPoPHandle.generate()
            let config = configuration(issuer, clientID: "d", authentication: .clientSecretPost("s"))
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await clientCredentialsGrant(config, dpop: handle).tokenType }
                }
                for try await tokenType in group { #expect(tokenType == "dpop") }
            }
        }
    }

    @Test("a DPoP-bound token without a proof is refused: dpopBoundTokenWithoutDPoP")
    func dpopWithoutProof() async throws {
        try await withLocalIssuer(
            .init(clients: [RegisteredClient(id: "c", authentication: .clientSecretPost(secret: "s"), faults: [.dpopTokenTypeWithoutProof])]
            )
        ) { issuer in
            let error = await caught {
                try await clientCredentialsGrant(configuration(issuer, clientID: "c", authentication: .clientSecretPost("s")))
            }
            let clientError = try #require(error as? OAuthClientError)
            #expect(clientError.code == .dpopBoundTokenWithoutDPoP)
            #expect(!clientError.isRetryable)
        }
    }

    @Test("DPoP sent but a Bearer token issued: a warning by default, an error in strict mode")
    func dpopNotHonoured() async throws {
        let body = #"{"access_token":"at","token_type":"Bearer","expires_in":60}"#
        try await withScriptedServer({ _ in .init(body: body) }) { server in
            let handle = try DPoPHandle.generate()
            let response = try await clientCredentialsGrant(configuration(server), dpop: handle)
            #expect(response.tokenType == "bearer")
            #expect(response.warnings.count == 1)
            var strict = insecureOptions
            strict.strict = true
            let error = await caught { try await clientCredentialsGrant(configuration(server, options: strict), dpop: handle) }
            #expect((error as? OAuthClientError)?.code == .dpopNotHonoured)
        }
    }

    @Test("the request carries the protocol headers and a form body in order")
    func requestShape() async throws {
        let seen = NIOLockedValueBox<[ScriptedServer.Request]>([])
        try await withScriptedServer({ request in
            seen.withLockedValue { $0.append(request) }
            return .init(body: #"{"access_token":"at","token_type":"bearer"}"#)
        }) { server in
            var parameters: TokenRequestParameters = [("resource", "urn:a"), ("grant_type", "x"), ("resource", "urn:b")]
            parameters.addAudience("api")
            _ = try await clientCredentialsGrant(configuration(server), parameters: parameters)
        }
        let request = try #require(seen.withLockedValue { $0.first })
        func header(_ name: String) -> String? { request.headers.first { $0.0.lowercased() == name }?.1 }
        #expect(request.method == "POST")
        #expect(header("content-type") == "application/x-www-form-urlencoded;charset=UTF-8")
        #expect(header("accept") == "application/json")
        #expect(header("user-agent") == "tokensmith/\(OAuthClientVersion.current)")
        #expect(
            request.body
                == "resource=urn%3Aa&resource=urn%3Ab&audience=api&grant_type=client_credentials&client_id=scripted&client_secret=s")
    }
}
