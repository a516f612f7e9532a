/// The token endpoint client authentication methods a manifest may name (`auth.method`).
package enum AuthMethod: String, Sendable, Hashable, CaseIterable {
    /// HTTP Basic with the client secret.
    case clientSecretBasic = "client_secret_basic"
    /// `client_secret` in the request body.
    case clientSecretPost = "client_secret_post"
    /// A JWT assertion signed with HMAC over the client secret.
    case clientSecretJWT = "client_secret_jwt"
    /// A JWT assertion signed with the client's private key.
    case privateKeyJWT = "private_key_jwt"
    /// mTLS with a PKI-bound certificate (RFC 8705 §2.1).
    case tlsClientAuth = "tls_client_auth"
    /// mTLS with a self-signed certificate (RFC 8705 §2.2).
    case selfSignedTLSClientAuth = "self_signed_tls_client_auth"
    /// A package client: `client_id` only.
    case none

    /// Whether the method needs a client secret.
    package var usesSecret: Bool {
        self == .clientSecretBasic || self == .clientSecretPost || self == .clientSecretJWT
    }

    /// Whether the method signs a JWT client assertion.
    package var usesAssertion: Bool { self == .clientSecretJWT || self == .privateKeyJWT }

    /// Whether the method presents a client certificate in the TLS handshake.
    package var usesTLSCertificate: Bool { self == .tlsClientAuth || self == .selfSignedTLSClientAuth }
}

/// The `aud` claim of a JWT client assertion (`auth.audience`).
package enum AssertionAudience: Sendable, Hashable {
    /// The issuer identifier (default).
    case issuer
    /// The token endpoint URL (Entra ID, some Keycloak versions).
    case tokenEndpoint
    /// Any URL the server asks for.
    case url(String)

    /// `issuer`, `token_endpoint`, or an absolute URL; nil for anything else.
    package init?(parsing text: String) {
        switch text {
        case "issuer": self = .issuer
        case "token_endpoint": self = .tokenEndpoint
        default:
            guard FileDecoder.uriParts(text) != nil else { return nil }
            self = .url(text)
        }
    }
}
