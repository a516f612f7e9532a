import Foundation
import LocalIssuer
import Testing

@Suite("client_secret_basic, client_secret_post, none")
struct ClientSecretTests {
    static let clients = [
        RegisteredClient(id: "basic", authentication: .clientSecretBasic(secret: "s3cret")),
        RegisteredClient(id: "client %&+-_.!~*'()", authentication: .clientSecretBasic(secret: "p@ss+w%rd: é")),
        RegisteredClient(id: "plus", authentication: .clientSecretBasic(secret: "a+b")),
        RegisteredClient(id: "post", authentication: .clientSecretPost(secret: "p0st")),
        RegisteredClient(id: "public", authentication: .none),
    ]

    @Test("Basic with curl -u: right secret passes, wrong secret is invalid_client with a Basic challenge")
    func basicWithCurl() async throws {
        try await withIssuer(.init(clients: Self.clients)) { issuer in
            let ok = try await Subprocess.curl(["-u", "basic:s3cret", "-d", "grant_type=client_credentials", issuer.tokenEndpoint])
            #expect(ok.status == 200)
            #expect(ok.json["token_type"] as? String == "Bearer")
            #expect(ok.json["expires_in"] as? Int == 3600)
            let claims = jwtClaims(ok.json["access_token"] as? String ?? "")
            #expect(claims["sub"] as? String == "basic")
            #expect(claims["iss"] as? String == issuer.issuer)

            let bad = try await Subprocess.curl(["-u", "basic:wrong", "-d", "grant_type=client_credentials", issuer.tokenEndpoint])
            #expect(bad.status == 401)
            #expect(bad.error == "invalid_client")
            #expect(bad.header("WWW-Authenticate")?.hasPrefix("Basic realm=") == true)

            let unknown = try await Subprocess.curl(["-u", "nobody:s3cret", "-d", "grant_type=client_credentials", issuer.tokenEndpoint])
            #expect(unknown.status == 401)
            #expect(unknown.error == "invalid_client")
        }
    }

    @Test("Basic credentials are form-decoded (RFC 6749 Appendix B): an unencoded `+` is a space")
    func basicFormEncoding() async throws {
        try await withIssuer(.init(clients: Self.clients)) { issuer in
            #expect(Form.encodeComponent("client %&+-_.!~*'()") == "client+%25%26%2B%2D%5F%2E%21%7E%2A%27%28%29")
            let header = Form.basic("client %&+-_.!~*'()", "p@ss+w%rd: é")
            let ok = try await Subprocess.curl([
                "-H", "Authorization: \(header)", "-d", "grant_type=client_credentials", issuer.tokenEndpoint,
            ])
            #expect(ok.status == 200)

            // curl -u does not form-encode: the server must read `a+b` as `a b` and refuse it.
            let raw = try await Subprocess.curl(["-u", "plus:a+b", "-d", "grant_type=client_credentials", issuer.tokenEndpoint])
            #expect(raw.status == 401)
            let encoded = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials], headers: [("Authorization", Form.basic("plus", "a+b"))])
            #expect(encoded.status == 200)

            let garbage = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials], headers: [("Authorization", "Basic !!!")])
            #expect(garbage.status == 401)
            #expect(garbage.error == "invalid_client")
        }
    }

    @Test("client_secret_post: right secret passes, wrong secret and wrong method are refused")
    func post() async throws {
        try await withIssuer(.init(clients: Self.clients)) { issuer in
            let ok = try await Subprocess.curl([
                "-d", "grant_type=client_credentials", "-d", "client_id=post", "-d", "client_secret=p0st", issuer.tokenEndpoint,
            ])
            #expect(ok.status == 200)
            let bad = try await Subprocess.curl([
                "-d", "grant_type=client_credentials", "-d", "client_id=post", "-d", "client_secret=nope", issuer.tokenEndpoint,
            ])
            #expect(bad.status == 401)
            #expect(bad.error == "invalid_client")
            #expect(bad.header("WWW-Authenticate") == nil)
            // Registered for post, sent Basic.
            let viaBasic = try await Subprocess.curl(["-u", "post:p0st", "-d", "grant_type=client_credentials", issuer.tokenEndpoint])
            #expect(viaBasic.status == 401)
            // Registered for Basic, sent post.
            let viaPost = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials, ("client_id", "basic"), ("client_secret", "s3cret")])
            #expect(viaPost.status == 401)
            // Both at once is malformed.
            let both = try await HTTP.postForm(
                issuer.tokenEndpoint,
                [clientCredentials, ("client_id", "post"), ("client_secret", "p0st")],
                headers: [("Authorization", Form.basic("post", "p0st"))]
            )
            #expect(both.status == 400)
            #expect(both.error == "invalid_request")
            let stats = issuer.statistics()
            #expect(stats.authenticationMethodByClient["post"] == .clientSecretPost)
        }
    }

    @Test("none: client_id alone passes for a public client only")
    func publicClient() async throws {
        try await withIssuer(.init(clients: Self.clients)) { issuer in
            let ok = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("client_id", "public")])
            #expect(ok.status == 200)
            let confidential = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("client_id", "basic")])
            #expect(confidential.status == 401)
            let anonymous = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials])
            #expect(anonymous.status == 401)
            let publicWithSecret = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials, ("client_id", "public"), ("client_secret", "x")])
            #expect(publicWithSecret.status == 401)
        }
    }

    @Test("https with curl --cacert against the test PKI")
    func overTLS() async throws {
        let pki = try TestPKI()
        let folder = try TemporaryFolder()
        let ca = try folder.write("ca.pem", pki.certificateAuthority.certificatePEM)
        try await withIssuer(.init(tls: pki.serverTLS, clients: Self.clients)) { issuer in
            #expect(issuer.issuer.hasPrefix("https://127.0.0.1:"))
            let ok = try await Subprocess.curl([
                "--cacert", ca, "-u", "basic:s3cret", "-d", "grant_type=client_credentials", issuer.tokenEndpoint,
            ])
            #expect(ok.status == 200)
            let bad = try await Subprocess.curl([
                "--cacert", ca, "-d", "grant_type=client_credentials", "-d", "client_id=post", "-d", "client_secret=x",
                issuer.tokenEndpoint,
            ])
            #expect(bad.status == 401)
            // Without the CA curl must refuse the server certificate.
            let untrusted = try await Subprocess.curl(["-u", "basic:s3cret", "-d", "grant_type=client_credentials", issuer.tokenEndpoint])
            #expect(untrusted.status < 0)
        }
    }
}
