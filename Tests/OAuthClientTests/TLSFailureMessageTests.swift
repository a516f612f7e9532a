import Foundation
import LocalIssuer
import NIOSSL
import Testing
@testable import OAuthClient

/// TLS failures are told in plain words (what happened, what to do), never as
/// BoringSSL's text with its source paths.
@Suite("TLS failures in plain words")
struct TLSFailureMessageTests {
    /// A TLS server context from PEM material; `clientCA` makes the server demand a client certificate chaining to it.
    private func serverContext(_ identity: TestPKI.Identity, clientCA: String? = nil) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(identity.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.privateKeyPEM.utf8), format: .pem)))
        if let clientCA {
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clientCA.utf8)))
            tls.certificateVerification = .noHostnameVerification
        }
        return try NIOSSLContext(configuration: tls)
    }

    private func trusting(_ pki: TestPKI, pooled: Bool = false) throws -> Configuration.Options {
        var options = Configuration.Options(additionalTrustRoots: [
            .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.certificateAuthority.certificatePEM.utf8)))
        ])
        options.directHTTP1Connections = pooled ? 4 : nil
        return options
    }

    /// Default options, sending through AsyncHTTPClient or the library's own HTTP/1.1 connections.
    private func options(pooled: Bool) -> Configuration.Options {
        var options = Configuration.Options()
        options.directHTTP1Connections = pooled ? 4 : nil
        return options
    }

    /// The grant's error against `server`'s token endpoint, which must be a TLS failure without BoringSSL's text.
    private func tlsError(
        _ server: ScriptedServer, origin: String? = nil, options: Configuration.Options,
        authentication: ClientAuthentication = .clientSecretPost("s")
    ) async throws -> OAuthClientError {
        let base = origin ?? server.origin
        let config = Configuration(
            serverMetadata: ServerMetadata(issuer: base, tokenEndpoint: URL(string: base + "/token")),
            clientID: "c", clientAuthentication: authentication, options: options)
        let error = try #require(await caught { try await clientCredentialsGrant(config) } as? OAuthClientError)
        #expect(error.code == .tlsFailure)
        #expect(error.description.contains(base + "/token"))
        // No BoringSSL internals: no packed error code text, no C source path.
        #expect(!error.description.contains(".cc:"))
        #expect(!error.description.contains("error:"))
        #expect(!error.description.contains("handshakeFailed"))
        return error
    }

    @Test("https:// against a plain-HTTP port says the server did not answer TLS", arguments: [false, true])
    func plainHTTPPort(pooled: Bool) async throws {
        try await withScriptedServer({ _ in .init(body: "{}") }) { server in
            let error = try await tlsError(server, origin: "https://127.0.0.1:\(server.port)", options: options(pooled: pooled))
            #expect(error.description.contains("did not answer with TLS"))
            #expect(error.description.contains("plain HTTP"))
        }
    }

    @Test("an untrusted server certificate names ca_file", arguments: [false, true])
    func untrusted(pooled: Bool) async throws {
        let pki = try TestPKI()
        try await withScriptedServer(tls: try serverContext(pki.server), { _ in .init(body: "{}") }) { server in
            let error = try await tlsError(server, options: options(pooled: pooled))
            #expect(error.description.contains("is not trusted"))
            #expect(error.description.contains("ca_file"))
        }
    }

    @Test("a certificate for another host name is a host-name mismatch", arguments: [false, true])
    func hostnameMismatch(pooled: Bool) async throws {
        let pki = try TestPKI()
        let other = try pki.makeServerCertificate(dnsNames: ["other.example"])
        try await withScriptedServer(tls: try serverContext(other), { _ in .init(body: "{}") }) { server in
            let error = try await tlsError(server, options: try trusting(pki, pooled: pooled))
            #expect(error.description.contains("is not valid for the host name 127.0.0.1"))
        }
    }

    @Test("a client certificate the server does not accept is named as refused")
    func clientCertificateRefused() async throws {
        let pki = try TestPKI()
        let stranger = try TestPKI.makeSelfSignedCertificate(commonName: "stranger")
        let identity = try TLSClientIdentity(certificateChainPEM: stranger.certificatePEM, privateKeyPEM: stranger.privateKeyPEM)
        let context = try serverContext(pki.server, clientCA: pki.certificateAuthority.certificatePEM)
        try await withScriptedServer(tls: context, { _ in .init(body: "{}") }) { server in
            let error = try await tlsError(server, options: try trusting(pki), authentication: .selfSignedTLSClientAuth(identity))
            #expect(error.description.contains("refused the client certificate"))
            #expect(!error.description.contains("PRIVATE KEY"))
        }
    }
}
