internal import Foundation
internal import Crypto
internal import X509
internal import SwiftASN1

/// An in-memory test PKI: a CA, a server certificate for 127.0.0.1 and localhost, and client certificates.
///
/// Everything is generated with swift-certificates at run time (P-256 keys), so tests
/// never ship key material. PEM accessors let tests write files for curl or the CLI.
public struct TestPKI: Sendable {
    /// A certificate with its private key, both as PEM.
    public struct Identity: Sendable, Hashable {
        /// The certificate, PEM.
        public let certificatePEM: String
        /// The private key, PKCS#8 PEM.
        public let privateKeyPEM: String
        /// The subject DN in RFC 4514 form, as `tls_client_auth` compares it (`CN=…,O=…`).
        public let subject: String
    }

    /// The CA certificate and key.
    public let certificateAuthority: Identity
    /// The server certificate (SAN: IP 127.0.0.1, DNS localhost), signed by the CA.
    public let server: Identity
    private let caKey: P256.Signing.PrivateKey
    private let caName: DistinguishedName

    /// Generates a CA and a server certificate.
    public init(caCommonName: String = "tokensmith test CA") throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("tokensmith tests")
            CommonName(caCommonName)
        }
        let ca = try Self.sign(
            key: key, subject: name, issuer: name, issuerKey: key,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            })
        self.caKey = key
        self.caName = name
        self.certificateAuthority = Identity(
            certificatePEM: try ca.serializeAsPEM().pemString,
            privateKeyPEM: key.pemRepresentation,
            subject: name.description
        )
        self.server = try Self.issue(
            commonName: "127.0.0.1",
            usage: .serverAuth,
            alternativeNames: [.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])), .dnsName("localhost")],
            issuerName: name,
            issuerKey: key
        )
    }

    /// TLS material for ``LocalIssuer/Configuration/tls`` from the server certificate.
    public var serverTLS: LocalIssuer.Configuration.TLS {
        .init(certificateChainPEM: server.certificatePEM, privateKeyPEM: server.privateKeyPEM)
    }

    /// Issues a client certificate (`clientAuth`) signed by the CA with subject `CN=<commonName>,O=tokensmith tests`.
    public func makeClientCertificate(commonName: String) throws -> Identity {
        try Self.issue(commonName: commonName, usage: .clientAuth, alternativeNames: [], issuerName: caName, issuerKey: caKey)
    }

    /// Issues a server certificate (`serverAuth`) signed by the CA for the DNS names given, for host-name mismatch tests.
    public func makeServerCertificate(dnsNames: [String]) throws -> Identity {
        try Self.issue(
            commonName: dnsNames.first ?? "server", usage: .serverAuth, alternativeNames: dnsNames.map { .dnsName($0) },
            issuerName: caName, issuerKey: caKey)
    }

    /// Creates a self-signed client certificate, for `self_signed_tls_client_auth`.
    public static func makeSelfSignedCertificate(commonName: String) throws -> Identity {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try sign(
            key: key, subject: name, issuer: name, issuerKey: key,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
            })
        return Identity(
            certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation, subject: name.description)
    }

    /// One v3 certificate, ECDSA P-256/SHA-256, valid from an hour ago for 30 days.
    private static func sign(
        key: P256.Signing.PrivateKey, subject: DistinguishedName, issuer: DistinguishedName,
        issuerKey: P256.Signing.PrivateKey, extensions: Certificate.Extensions
    ) throws -> Certificate {
        try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-3600),
            notValidAfter: Date().addingTimeInterval(86_400 * 30),
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(issuerKey)
        )
    }

    private static func issue(
        commonName: String,
        usage: ExtendedKeyUsage.Usage,
        alternativeNames: [GeneralName],
        issuerName: DistinguishedName,
        issuerKey: P256.Signing.PrivateKey
    ) throws -> Identity {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("tokensmith tests")
            CommonName(commonName)
        }
        let certificate = try sign(
            key: key, subject: name, issuer: issuerName, issuerKey: issuerKey,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([usage])
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: Certificate.PublicKey(issuerKey.publicKey)).keyIdentifier)
                if !alternativeNames.isEmpty {
                    SubjectAlternativeNames(alternativeNames)
                }
            })
        return Identity(
            certificatePEM: try certificate.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation, subject: name.description)
    }
}
