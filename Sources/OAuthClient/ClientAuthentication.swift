public import Foundation

/// How the client authenticates at the token endpoint (RFC 6749 §2.3,
/// RFC 7523, RFC 8705), the counterpart of openid-client's `ClientSecretBasic()`,
/// `PrivateKeyJwt()`, `TlsClientAuth()` and friends.
///
/// Secrets and keys never appear in `description`, `debugDescription` or `dump`.
public struct ClientAuthentication: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Indirect: a manifest of 10,000 clients holds one each, and the key
    /// and assertion payloads would otherwise widen every client definition.
    indirect enum Method: Sendable {
        case clientSecretBasic(Redacted<String>)
        case clientSecretPost(Redacted<String>)
        case clientSecretJWT(SigningKey, ClientAssertionOptions)
        case privateKeyJWT(SigningKey, ClientAssertionOptions)
        case none
        case tlsClientAuth(TLSClientIdentity)
        case selfSignedTLSClientAuth(TLSClientIdentity)
    }

    let method: Method

    /// The HMAC algorithms of `client_secret_jwt`.
    public enum HMACAlgorithm: String, Sendable, Hashable, CaseIterable {
        /// HMAC SHA-256.
        case hs256 = "HS256"
        /// HMAC SHA-384.
        case hs384 = "HS384"
        /// HMAC SHA-512.
        case hs512 = "HS512"

        var jws: JWSAlgorithm {
            switch self {
            case .hs256: .hs256
            case .hs384: .hs384
            case .hs512: .hs512
            }
        }
    }

    /// `client_secret_basic`: id and secret form-urlencoded, joined by `:`, in `Authorization: Basic`.
    public static func clientSecretBasic(_ secret: String) -> ClientAuthentication {
        ClientAuthentication(method: .clientSecretBasic(Redacted(secret)))
    }

    /// `client_secret_post`: `client_id` and `client_secret` in the request body.
    public static func clientSecretPost(_ secret: String) -> ClientAuthentication {
        ClientAuthentication(method: .clientSecretPost(Redacted(secret)))
    }

    /// `client_secret_jwt`: a JWT assertion signed with HMAC over the client secret (RFC 7523).
    public static func clientSecretJWT(
        _ secret: String, algorithm: HMACAlgorithm = .hs256, options: ClientAssertionOptions = .init()
    ) -> ClientAuthentication {
        let key = SigningKey(hmacSecret: Array(secret.utf8), hmacAlgorithm: algorithm.jws)
        return ClientAuthentication(method: .clientSecretJWT(key, options))
    }

    /// `private_key_jwt`: a JWT assertion signed with the client's private key (RFC 7523).
    public static func privateKeyJWT(_ key: SigningKey, options: ClientAssertionOptions = .init()) -> ClientAuthentication {
        ClientAuthentication(method: .privateKeyJWT(key, options))
    }

    /// `none`: a public client; only `client_id` in the body.
    public static let none = ClientAuthentication(method: .none)

    /// `tls_client_auth` (RFC 8705 §2.1): PKI-bound client certificate in the TLS handshake, `client_id` in the body.
    public static func tlsClientAuth(_ identity: TLSClientIdentity) -> ClientAuthentication {
        ClientAuthentication(method: .tlsClientAuth(identity))
    }

    /// `self_signed_tls_client_auth` (RFC 8705 §2.2): self-signed client certificate in the TLS handshake.
    public static func selfSignedTLSClientAuth(_ identity: TLSClientIdentity) -> ClientAuthentication {
        ClientAuthentication(method: .selfSignedTLSClientAuth(identity))
    }

    /// The registered method name, e.g. `client_secret_basic`.
    public var methodName: String {
        switch method {
        case .clientSecretBasic: "client_secret_basic"
        case .clientSecretPost: "client_secret_post"
        case .clientSecretJWT: "client_secret_jwt"
        case .privateKeyJWT: "private_key_jwt"
        case .none: "none"
        case .tlsClientAuth: "tls_client_auth"
        case .selfSignedTLSClientAuth: "self_signed_tls_client_auth"
        }
    }

    /// The TLS identity of the mTLS methods.
    package var tlsIdentity: TLSClientIdentity? {
        switch method {
        case .tlsClientAuth(let identity), .selfSignedTLSClientAuth(let identity): identity
        default: nil
        }
    }

    /// The key that signs assertions (`client_secret_jwt`, `private_key_jwt`).
    package var signingKey: SigningKey? {
        switch method {
        case .clientSecretJWT(let key, _), .privateKeyJWT(let key, _): key
        default: nil
        }
    }

    /// The assertion options (`client_secret_jwt`, `private_key_jwt`).
    package var assertionOptions: ClientAssertionOptions? {
        switch method {
        case .clientSecretJWT(_, let options), .privateKeyJWT(_, let options): options
        default: nil
        }
    }

    /// The shared client secret of the `client_secret_*` methods, so callers
    /// can keep it out of places it must not reach (a child's environment).
    package var sharedSecret: String? {
        switch method {
        case .clientSecretBasic(let secret), .clientSecretPost(let secret): secret.value
        case .clientSecretJWT(let key, _): key.hmacSecretText
        default: nil
        }
    }

    /// `ClientAuthentication(private_key_jwt, SigningKey(ES256, …))`; never a secret.
    public var description: String {
        switch method {
        case .clientSecretBasic, .clientSecretPost, .none: "ClientAuthentication(\(methodName))"
        case .clientSecretJWT(let key, _): "ClientAuthentication(\(methodName), \(key.algorithm))"
        case .privateKeyJWT(let key, _): "ClientAuthentication(\(methodName), \(key))"
        case .tlsClientAuth(let identity), .selfSignedTLSClientAuth(let identity): "ClientAuthentication(\(methodName), \(identity))"
        }
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// A mirror that shows the method only.
    public var customMirror: Mirror {
        Mirror(self, children: ["method": methodName], displayStyle: .struct)
    }
}

/// Options of a JWT client assertion (`client_secret_jwt`, `private_key_jwt`).
public struct ClientAssertionOptions: Sendable, Hashable {
    /// The `aud` claim of the assertion.
    public enum Audience: Sendable, Hashable {
        /// The issuer identifier (the reference's choice, RFC 7523bis).
        case issuer
        /// The token endpoint URL (Entra ID and some Keycloak versions want this).
        case tokenEndpoint
        /// Any URL or string the server asks for.
        case custom(String)

        /// Any URL the server asks for.
        public static func custom(_ url: URL) -> Audience { .custom(url.absoluteString) }
    }

    /// The `kid` header; the key's own ID when nil.
    public var keyID: String?
    /// The `aud` claim; `.issuer` by default.
    public var audience: Audience
    /// Certificate thumbprints to put in `x5t#S256` / `x5t` headers.
    public var certificateThumbprint: CertificateThumbprint?

    /// Options with the reference's defaults: `aud` = issuer, no thumbprint.
    public init(keyID: String? = nil, audience: Audience = .issuer, certificateThumbprint: CertificateThumbprint? = nil) {
        self.keyID = keyID
        self.audience = audience
        self.certificateThumbprint = certificateThumbprint
    }
}
