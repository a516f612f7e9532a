package import OAuthClient

/// A client's `auth` block, with secrets and keys already resolved and checked.
///
/// Key files are loaded through OAuthClient's ``SigningKey`` during validation,
/// so an `alg` that does not fit the key is a manifest error, and the runner
/// gets ready-to-use key objects.
package struct ClientAuthDefinition: Sendable {
    /// The authentication method.
    package var method: AuthMethod
    /// The client secret (`client_secret_*`), from `secret` or `secret_file`.
    package var secret: Redacted<String>?
    /// Where the secret came from.
    package var secretSource: SecretSource?
    /// Absolute path of the private key (`private_key_jwt`, mTLS methods).
    package var keyFile: String?
    /// The loaded signing key of `private_key_jwt`, with its algorithm and `kid`.
    package var signingKey: SigningKey?
    /// The JWS algorithm: HS* for `client_secret_jwt`, the key's for `private_key_jwt`.
    package var algorithm: JWSAlgorithm?
    /// The `kid` header of assertions.
    package var keyID: String?
    /// Absolute path of the certificate (mTLS client certificate, or `x5t#S256` source for `private_key_jwt`).
    package var certificateFile: String?
    /// Thumbprints for the assertion header (`private_key_jwt` with `certificate_file`).
    package var certificateThumbprint: CertificateThumbprint?
    /// Whether the legacy SHA-1 `x5t` header is sent as well (`x5t_sha1`).
    package var x5tSHA1: Bool
    /// The `aud` claim of assertions.
    package var assertionAudience: AssertionAudience
    /// The TLS identity of the mTLS methods.
    package var tlsIdentity: TLSClientIdentity?

    /// Creates an auth definition; normally built by ``ManifestLoader``.
    package init(
        method: AuthMethod, secret: Redacted<String>? = nil, secretSource: SecretSource? = nil, keyFile: String? = nil,
        signingKey: SigningKey? = nil, algorithm: JWSAlgorithm? = nil, keyID: String? = nil,
        certificateFile: String? = nil, certificateThumbprint: CertificateThumbprint? = nil, x5tSHA1: Bool = false,
        assertionAudience: AssertionAudience = .issuer, tlsIdentity: TLSClientIdentity? = nil
    ) {
        self.method = method
        self.secret = secret
        self.secretSource = secretSource
        self.keyFile = keyFile
        self.signingKey = signingKey
        self.algorithm = algorithm
        self.keyID = keyID
        self.certificateFile = certificateFile
        self.certificateThumbprint = certificateThumbprint
        self.x5tSHA1 = x5tSHA1
        self.assertionAudience = assertionAudience
        self.tlsIdentity = tlsIdentity
    }

    /// The OAuthClient value for this block; nil only for a definition built by
    /// hand without the secret, key or identity its method needs.
    package func clientAuthentication() -> ClientAuthentication? {
        let options = ClientAssertionOptions(
            keyID: keyID,
            audience: {
                switch assertionAudience {
                case .issuer: .issuer
                case .tokenEndpoint: .tokenEndpoint
                case .url(let url): .custom(url)
                }
            }(),
            certificateThumbprint: certificateThumbprint
        )
        switch method {
        case .clientSecretBasic:
            return secret.map { .clientSecretBasic($0.value) }
        case .clientSecretPost:
            return secret.map { .clientSecretPost($0.value) }
        case .clientSecretJWT:
            guard let secret else { return nil }
            let hmac = ClientAuthentication.HMACAlgorithm(rawValue: algorithm?.rawValue ?? "HS256") ?? .hs256
            return .clientSecretJWT(secret.value, algorithm: hmac, options: options)
        case .privateKeyJWT:
            return signingKey.map { .privateKeyJWT($0, options: options) }
        case .tlsClientAuth:
            return tlsIdentity.map { .tlsClientAuth($0) }
        case .selfSignedTLSClientAuth:
            return tlsIdentity.map { .selfSignedTLSClientAuth($0) }
        case .none:
            return ClientAuthentication.none
        }
    }
}

/// A client's `dpop` setting: `true` for a fresh key per run, or a key file.
package struct DPoPDefinition: Sendable {
    /// Absolute path of the DPoP private key; nil means generate one per run.
    package var keyFile: String?
    /// The proof algorithm (ES256 by default).
    package var algorithm: JWSAlgorithm
    /// The loaded key when `keyFile` is set.
    package var signingKey: SigningKey?

    /// Creates a DPoP definition.
    package init(keyFile: String? = nil, algorithm: JWSAlgorithm = .es256, signingKey: SigningKey? = nil) {
        self.keyFile = keyFile
        self.algorithm = algorithm
        self.signingKey = signingKey
    }

    /// The algorithms RFC 9449 proofs use here.
    package static let supportedAlgorithms: [JWSAlgorithm] = [.es256, .es384, .edDSA, .rs256, .ps256]
}
