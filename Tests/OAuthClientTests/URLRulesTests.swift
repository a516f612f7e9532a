import Foundation
import Testing
@testable import OAuthClient

@Suite("Endpoint and issuer URL rules")
struct URLRulesTests {
    @Test("only https, http only when allowed, no other scheme ever")
    func schemes() throws {
        #expect(throws: Never.self) {
            try Endpoint(URL(string: "https://as.example/token")!, allowInsecureHTTP: false, role: "token endpoint")
        }
        let insecure = try #require(throws: OAuthClientError.self) {
            try Endpoint(URL(string: "http://as.example/token")!, allowInsecureHTTP: false, role: "token endpoint")
        }
        #expect(insecure.code == .insecureURL)
        #expect(insecure.description.contains("http://as.example/token"))
        #expect(throws: Never.self) {
            try Endpoint(URL(string: "http://127.0.0.1:8080/token")!, allowInsecureHTTP: true, role: "token endpoint")
        }
        for url in ["ftp://as.example/token", "file:///etc/passwd", "ws://as.example/"] {
            let error = try #require(throws: OAuthClientError.self) {
                try Endpoint(URL(string: url)!, allowInsecureHTTP: true, role: "token endpoint")
            }
            #expect(error.code == .unsupportedURL)
        }
    }

    @Test("issuer comparison normalises scheme/host case, default port and trailing slash")
    func issuerNormalisation() {
        #expect(IssuerIdentifier.matches(expected: "https://AS.example:443/tenant/", metadata: "https://as.example/tenant"))
        #expect(IssuerIdentifier.matches(expected: "http://as.example:80", metadata: "http://as.example/"))
        #expect(!IssuerIdentifier.matches(expected: "https://as.example/Tenant", metadata: "https://as.example/tenant"))
        #expect(!IssuerIdentifier.matches(expected: "https://as.example:8443", metadata: "https://as.example"))
        #expect(
            IssuerIdentifier.matches(
                expected: "https://login.microsoftonline.com/6f1c/v2.0", metadata: "https://login.microsoftonline.com/{tenantid}/v2.0"))
        #expect(
            !IssuerIdentifier.matches(
                expected: "https://login.microsoftonline.com/a/b/v2.0", metadata: "https://login.microsoftonline.com/{tenantid}/v2.0"))
        #expect(
            !IssuerIdentifier.matches(
                expected: "https://evil.example/6f1c/v2.0", metadata: "https://login.microsoftonline.com/{tenantid}/v2.0"))
    }

    @Test("discovery URLs: OIDC appends, RFC 8414 inserts before the path")
    func discoveryURLs() {
        #expect(
            DiscoveryRequest.oidcURL(URL(string: "https://x/tenant/")!).absoluteString
                == "https://x/tenant/.well-known/openid-configuration")
        #expect(
            DiscoveryRequest.oauth2URL(URL(string: "https://x/tenant")!).absoluteString
                == "https://x/.well-known/oauth-authorization-server/tenant")
        #expect(DiscoveryRequest.oauth2URL(URL(string: "https://x")!).absoluteString == "https://x/.well-known/oauth-authorization-server")
        #expect(DiscoveryRequest.oauth2URL(URL(string: "https://x/")!).absoluteString == "https://x/.well-known/oauth-authorization-server")
    }

    @Test("metadata keeps unknown members and round-trips through Codable")
    func metadataCodable() throws {
        let json =
            #"{"issuer":"https://as","token_endpoint":"https://as/token","mtls_endpoint_aliases":{"token_endpoint":"https://mtls.as/token"},"dpop_signing_alg_values_supported":["ES256"],"x_custom":1}"#
        let metadata = try JSONDecoder().decode(ServerMetadata.self, from: Data(json.utf8))
        #expect(metadata.mtlsEndpointAliases["token_endpoint"]?.absoluteString == "https://mtls.as/token")
        #expect(metadata.otherMembers["x_custom"] == .number(1))
        let again = try JSONDecoder().decode(ServerMetadata.self, from: JSONEncoder().encode(metadata))
        #expect(again == metadata)
    }
}
