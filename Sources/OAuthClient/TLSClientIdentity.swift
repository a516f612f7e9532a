public import NIOSSL

/// The certificate chain and private key a client presents in the TLS
/// handshake for `tls_client_auth` and `self_signed_tls_client_auth` (RFC 8705).
public struct TLSClientIdentity: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The client certificate first, then any intermediates.
    public let certificateChain: [NIOSSLCertificate]
    let privateKey: Redacted<NIOSSLPrivateKey>

    /// An identity from loaded NIOSSL objects.
    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) {
        self.certificateChain = certificateChain
        self.privateKey = Redacted(privateKey)
    }

    /// An identity from PEM text: the chain (client certificate first) and the private key.
    public init(certificateChainPEM: String, privateKeyPEM: String) throws(OAuthClientError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8))
        } catch {
            throw OAuthClientError(.invalidCertificate, "the client certificate chain is not a PEM certificate: \(error)")
        }
        guard !chain.isEmpty else {
            throw OAuthClientError(.invalidCertificate, "the client certificate file holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        } catch {
            throw OAuthClientError(.invalidKey, "the TLS client private key cannot be read as a PEM private key")
        }
        self.init(certificateChain: chain, privateKey: key)
    }

    /// `TLSClientIdentity(1 certificate, key: <redacted>)`.
    public var description: String {
        "TLSClientIdentity(\(certificateChain.count) certificate\(certificateChain.count == 1 ? "" : "s"), key: <redacted>)"
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// A mirror that hides the key.
    public var customMirror: Mirror {
        Mirror(self, children: ["certificates": certificateChain.count, "key": "<redacted>"], displayStyle: .struct)
    }
}
