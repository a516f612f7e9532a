import Foundation
import LocalIssuer
import NIOConcurrencyHelpers
import Testing
@testable import OAuthClient

@Suite("Discovery against the LocalIssuer and a scripted server")
struct DiscoveryIntegrationTests {
    @Test(
        "every mode, with and without an issuer path, then a grant",
        arguments: [
            ("", DiscoveryMode.auto), ("", .oidc), ("", .oauth2), ("/realms/prod", .auto), ("/realms/prod", .oidc),
            ("/realms/prod", .oauth2),
        ])
    func discover(path: String, mode: DiscoveryMode) async throws {
        try await withLocalIssuer(
            .init(issuerPath: path, clients: [RegisteredClient(id: "c", authentication: .clientSecretBasic(secret: "s"))])
        ) { issuer in
            // A trailing slash on the configured issuer still matches.
            let config = try await discovery(
                issuer: URL(string: issuer.issuer + "/")!, clientID: "c", clientAuthentication: .clientSecretBasic("s"),
                options: insecureOptions, mode: mode
            )
            #expect(config.serverMetadata.issuer == issuer.issuer)
            #expect(config.serverMetadata.tokenEndpoint?.absoluteString == issuer.tokenEndpoint)
            #expect(config.serverMetadata.tokenEndpointAuthMethodsSupported?.contains("private_key_jwt") == true)
            #expect(config.serverMetadata.dpopSigningAlgValuesSupported?.contains("ES256") == true)
            #expect(config.serverMetadata.otherMembers["grant_types_supported"] == nil)
            #expect(config.serverMetadata.otherMembers["response_types_supported"] != nil)
            _ = try await clientCredentialsGrant(config)
            #expect(issuer.statistics().discoveryRequests == 1)
        }
    }

    @Test("issuer mismatch is refused and names both issuers")
    func issuerMismatch() async throws {
        try await withLocalIssuer(.init(serveWrongIssuer: true)) { issuer in
            let error = await caught {
                try await discovery(
                    issuer: URL(string: issuer.issuer)!, clientID: "c", clientAuthentication: .none, options: insecureOptions)
            }
            let clientError = try #require(error as? OAuthClientError)
            #expect(clientError.code == .issuerMismatch)
            #expect(clientError.description.contains("issuer mismatch"))
            #expect(clientError.description.contains(issuer.issuer))
        }
    }

    @Test("auto falls back to RFC 8414 on a 404 from the OpenID configuration")
    func autoFallback() async throws {
        let paths = NIOLockedValueBox<[String]>([])
        let port = NIOLockedValueBox<Int>(0)
        try await withScriptedServer({ request in
            let origin = "http://127.0.0.1:\(port.withLockedValue { $0 })"
            paths.withLockedValue { $0.append(request.path) }
            if request.path == "/.well-known/oauth-authorization-server/tenant" {
                return .init(body: #"{"issuer":"\#(origin)/tenant","token_endpoint":"\#(origin)/tenant/token"}"#)
            }
            return .init(status: 404, headers: [("Content-Type", "text/plain")], body: "not found")
        }) { server in
            port.withLockedValue { $0 = server.port }
            paths.withLockedValue { $0 = [] }
            let config = try await discovery(
                issuer: URL(string: server.origin + "/tenant")!, clientID: "c", clientAuthentication: .none, options: insecureOptions)
            #expect(config.serverMetadata.tokenEndpoint?.absoluteString == server.origin + "/tenant/token")
            #expect(
                paths.withLockedValue { $0 } == [
                    "/tenant/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/tenant",
                ])
            let oidcOnly = await caught {
                try await discovery(
                    issuer: URL(string: server.origin + "/tenant")!, clientID: "c", clientAuthentication: .none, options: insecureOptions,
                    mode: .oidc)
            }
            let error = try #require(oidcOnly as? OAuthClientError)
            #expect(error.code == .unexpectedStatus)
            #expect(error.statusCode == 404)
        }
    }

    @Test("discovery over plain http without the allowance sends nothing")
    func insecureIssuer() async throws {
        try await withLocalIssuer { issuer in
            let error = await caught {
                try await discovery(issuer: URL(string: issuer.issuer)!, clientID: "c", clientAuthentication: .none)
            }
            #expect((error as? OAuthClientError)?.code == .insecureURL)
            #expect(issuer.statistics().totalRequests == 0)
        }
    }
}
