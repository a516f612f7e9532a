import Foundation
import LocalIssuer
import NIOSSL
import Testing
@testable import OAuthClient

@Suite("HTTPS and mutual TLS against the LocalIssuer")
struct TLSIntegrationTests {
    @Test("HTTPS with a test CA added to the trust roots; refused without it")
    func https() async throws {
        let pki = try TestPKI()
        try await withLocalIssuer(
            .init(tls: pki.serverTLS, clients: [RegisteredClient(id: "c", authentication: .clientSecretBasic(secret: "s"))])
        ) { issuer in
            #expect(issuer.issuer.hasPrefix("https://"))
            let ca = try NIOSSLCertificate.fromPEMBytes(Array(pki.certificateAuthority.certificatePEM.utf8))
            let options = Configuration.Options(additionalTrustRoots: [.certificates(ca)])
            let config = try await discovery(
                issuer: URL(string: issuer.issuer)!, clientID: "c", clientAuthentication: .clientSecretBasic("s"), options: options)
            let response = try await clientCredentialsGrant(config)
            #expect(response.tokenType == "bearer")

            let untrusted = await caught {
                try await clientCredentialsGrant(
                    configuration(issuer, clientID: "c", authentication: .clientSecretBasic("s"), options: .init()))
            }
            let error = try #require(untrusted as? OAuthClientError)
            #expect(error.code == .tlsFailure)
            #expect(error.description.contains(issuer.tokenEndpoint))
        }
    }

    @Test("tls_client_auth and self_signed_tls_client_auth use the mTLS endpoint alias")
    func mutualTLS() async throws {
        let pki = try TestPKI()
        let clientCertificate = try pki.makeClientCertificate(commonName: "svc-mtls")
        let selfSigned = try TestPKI.makeSelfSignedCertificate(commonName: "svc-self")
        let configuration = LocalIssuer.Configuration(
            tls: pki.serverTLS,
            mutualTLS: .init(clientCAPEM: pki.certificateAuthority.certificatePEM),
            clients: [
                RegisteredClient(id: "pki", authentication: .tlsClientAuth(subject: clientCertificate.subject)),
                RegisteredClient(id: "self", authentication: .selfSignedTLSClientAuth(certificatePEM: selfSigned.certificatePEM)),
            ]
        )
        try await withLocalIssuer(configuration) { issuer in
            let ca = try NIOSSLCertificate.fromPEMBytes(Array(pki.certificateAuthority.certificatePEM.utf8))
            let options = Configuration.Options(additionalTrustRoots: [.certificates(ca)])
            let pkiIdentity = try TLSClientIdentity(
                certificateChainPEM: clientCertificate.certificatePEM, privateKeyPEM: clientCertificate.privateKeyPEM)
            let pkiConfig = try await discovery(
                issuer: URL(string: issuer.issuer)!, clientID: "pki", clientAuthentication: .tlsClientAuth(pkiIdentity), options: options)
            #expect(pkiConfig.tokenEndpoint?.absoluteString == issuer.mtlsTokenEndpoint)
            #expect(!"\(pkiConfig)".contains("PRIVATE"))
            _ = try await clientCredentialsGrant(pkiConfig)

            let selfIdentity = try TLSClientIdentity(
                certificateChainPEM: selfSigned.certificatePEM, privateKeyPEM: selfSigned.privateKeyPEM)
            let selfConfig = try await discovery(
                issuer: URL(string: issuer.issuer)!, clientID: "self", clientAuthentication: .selfSignedTLSClientAuth(selfIdentity),
                options: options)
            _ = try await clientCredentialsGrant(selfConfig)
            let statistics = issuer.statistics()
            #expect(statistics.authenticationMethodByClient["pki"] == .tlsClientAuth)
            #expect(statistics.authenticationMethodByClient["self"] == .selfSignedTLSClientAuth)

            // The wrong certificate for the registered client is refused by the server.
            let wrong = await caught {
                try await clientCredentialsGrant(
                    Configuration(
                        serverMetadata: selfConfig.serverMetadata, clientID: "pki", clientAuthentication: .tlsClientAuth(selfIdentity),
                        options: options))
            }
            #expect(wrong != nil)
        }
    }
}
