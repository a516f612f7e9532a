import Foundation
import LocalIssuer
import Testing

@Suite("Token request validation")
struct TokenRequestTests {
    static let client = RegisteredClient(
        id: "svc",
        authentication: .clientSecretPost(secret: "s"),
        allowedScopes: ["read", "write"],
        allowedResources: ["https://api.example/", "https://other.example/"]
    )
    static let credentials = [("client_id", "svc"), ("client_secret", "s")]

    @Test("grant_type, method, content type and repeated parameters")
    func requestShape() async throws {
        try await withIssuer(.init(clients: [Self.client])) { issuer in
            let other = try await HTTP.postForm(issuer.tokenEndpoint, [("grant_type", "password")] + Self.credentials)
            #expect(other.status == 400 && other.error == "unsupported_grant_type")
            let missing = try await HTTP.postForm(issuer.tokenEndpoint, Self.credentials)
            #expect(missing.status == 400 && missing.error == "invalid_request")
            let repeated = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, clientCredentials] + Self.credentials)
            #expect(repeated.error == "invalid_request")
            #expect(try await HTTP.get(issuer.tokenEndpoint).status == 405)
            let json = try await Subprocess.curl([
                "-H", "Content-Type: application/json", "-d", #"{"grant_type":"client_credentials"}"#, issuer.tokenEndpoint,
            ])
            #expect(json.status == 400 && json.error == "invalid_request")
            let charset = try await Subprocess.curl([
                "-H", "Content-Type: application/x-www-form-urlencoded;charset=UTF-8", "-d",
                "grant_type=client_credentials&client_id=svc&client_secret=s", issuer.tokenEndpoint,
            ])
            #expect(charset.status == 200)
            let badEscape = try await Subprocess.curl([
                "-d", "grant_type=client_credentials&client_id=svc&client_secret=%zz", issuer.tokenEndpoint,
            ])
            #expect(badEscape.error == "invalid_request")
        }
    }

    @Test("scope is checked against the allowed scopes")
    func scope() async throws {
        try await withIssuer(.init(clients: [Self.client])) { issuer in
            let ok = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("scope", "write read")] + Self.credentials)
            #expect(ok.json["scope"] as? String == "write read")
            let refused = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("scope", "read admin")] + Self.credentials)
            #expect(refused.status == 400 && refused.error == "invalid_scope")
            let none = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials] + Self.credentials)
            #expect(none.json["scope"] as? String == "read write")
        }
    }

    @Test("resource (RFC 8707): absolute, no fragment, allowed; repeatable; becomes aud")
    func resource() async throws {
        try await withIssuer(.init(clients: [Self.client])) { issuer in
            let two = try await HTTP.postForm(
                issuer.tokenEndpoint,
                [clientCredentials, ("resource", "https://api.example/"), ("resource", "https://other.example/")] + Self.credentials)
            #expect(two.status == 200)
            #expect(
                jwtClaims(two.json["access_token"] as? String ?? "")["aud"] as? [String] == [
                    "https://api.example/", "https://other.example/",
                ])
            for bad in ["/relative", "https://api.example/#frag", "https://not-allowed.example/"] {
                let response = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("resource", bad)] + Self.credentials)
                #expect(response.status == 400 && response.error == "invalid_target", "\(bad)")
            }
            let audience = try await HTTP.postForm(
                issuer.tokenEndpoint, [clientCredentials, ("audience", "billing-api")] + Self.credentials)
            #expect(jwtClaims(audience.json["access_token"] as? String ?? "")["aud"] as? String == "billing-api")
        }
    }
}
