import Crypto

/// The thumbprints of an X.509 certificate for the `x5t#S256` / `x5t` JWS
/// headers of a `private_key_jwt` assertion (**beyond**: Entra ID identifies the
/// client's key by its certificate this way).
public struct CertificateThumbprint: Sendable, Hashable {
    /// Which thumbprint headers to send.
    public struct Headers: OptionSet, Sendable, Hashable {
        /// The raw value of the set.
        public let rawValue: Int
        /// Builds a set from its raw value.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// `x5t#S256`: base64url SHA-256 of the certificate DER.
        public static let sha256 = Headers(rawValue: 1)
        /// `x5t`: base64url SHA-1 of the certificate DER (legacy, still asked for by Entra ID).
        public static let sha1 = Headers(rawValue: 2)
    }

    /// base64url SHA-256 of the certificate DER (`x5t#S256`).
    public let sha256: String
    /// base64url SHA-1 of the certificate DER (`x5t`).
    public let sha1: String
    /// Which of the two go into the header.
    public let headers: Headers

    /// Thumbprints of a DER-encoded certificate.
    public init(certificateDER der: some Collection<UInt8>, headers: Headers = .sha256) {
        let bytes = Array(der)
        self.sha256 = Base64URL.encode(Array(SHA256.hash(data: bytes)))
        self.sha1 = Base64URL.encode(Array(Insecure.SHA1.hash(data: bytes)))
        self.headers = headers
    }

    /// Thumbprints of the first certificate in a PEM document.
    public init(certificatePEM pem: String, headers: Headers = .sha256) throws(OAuthClientError) {
        guard let block = PEMBlock.parseAll(pem).first(where: { $0.label == "CERTIFICATE" }) else {
            throw OAuthClientError(.invalidCertificate, "no certificate found: expected a PEM block `-----BEGIN CERTIFICATE-----`")
        }
        self.init(certificateDER: block.der, headers: headers)
    }
}
