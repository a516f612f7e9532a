/// A client known to the local issuer: its id, how it authenticates, what it may ask for.
///
/// Tests register clients programmatically with ``LocalIssuer/register(_:)``; the demo
/// and benchmarks list them in the JSON config file (see ``LocalIssuer/Configuration/load(contentsOfFile:)``).
public struct RegisteredClient: Sendable, Hashable {
    /// How a client proves who it is at the token endpoint (RFC 6749 §2.3, RFC 7523, RFC 8705).
    ///
    /// Exactly one method is registered per client, as in OAuth dynamic client
    /// registration's `token_endpoint_auth_method`; a request using another method is refused.
    public enum Authentication: Sendable, Hashable {
        /// HTTP Basic with the form-encoded id and secret (RFC 6749 §2.3.1, Appendix B).
        case clientSecretBasic(secret: String)
        /// `client_id` and `client_secret` in the form body.
        case clientSecretPost(secret: String)
        /// A JWT assertion signed with HMAC (HS256/384/512) keyed by the secret.
        case clientSecretJWT(secret: String)
        /// A JWT assertion signed with the client's private key; `publicKey` is a PEM
        /// `PUBLIC KEY` (SPKI) or a public JWK (a JSON object text, or a JWKS whose first key is used).
        case privateKeyJWT(publicKey: String)
        /// A public client: `client_id` only, no credential.
        case none
        /// PKI mutual TLS (RFC 8705 §2.1): the certificate chains to the configured client CA
        /// and its subject matches `subject` (a full DN such as `CN=a,O=b`, `CN=a`, or the bare CN).
        case tlsClientAuth(subject: String)
        /// Self-signed mutual TLS (RFC 8705 §2.2): the presented certificate equals this PEM certificate.
        case selfSignedTLSClientAuth(certificatePEM: String)

        /// The registered method name, as used in metadata and statistics.
        public var method: AuthenticationMethod {
            switch self {
            case .clientSecretBasic: return .clientSecretBasic
            case .clientSecretPost: return .clientSecretPost
            case .clientSecretJWT: return .clientSecretJWT
            case .privateKeyJWT: return .privateKeyJWT
            case .none: return .none
            case .tlsClientAuth: return .tlsClientAuth
            case .selfSignedTLSClientAuth: return .selfSignedTLSClientAuth
            }
        }
    }

    /// The `client_id`.
    public var id: String
    /// The registered authentication method and its credential.
    public var authentication: Authentication
    /// Scopes the client may request; nil allows any scope.
    public var allowedScopes: Set<String>?
    /// Resource indicators (RFC 8707) the client may request; nil allows any absolute URI.
    public var allowedResources: Set<String>?
    /// Token lifetime in seconds for this client; nil uses the issuer's default.
    public var expiresIn: Int?
    /// Whether every token request of this client must carry a DPoP proof (RFC 9449).
    public var requiresDPoP: Bool
    /// Misbehaviours the token endpoint shows this client, in order (see ``Fault``).
    public var faults: [Fault]

    /// Creates a registration; only the id and the authentication are required.
    public init(
        id: String,
        authentication: Authentication,
        allowedScopes: Set<String>? = nil,
        allowedResources: Set<String>? = nil,
        expiresIn: Int? = nil,
        requiresDPoP: Bool = false,
        faults: [Fault] = []
    ) {
        self.id = id
        self.authentication = authentication
        self.allowedScopes = allowedScopes
        self.allowedResources = allowedResources
        self.expiresIn = expiresIn
        self.requiresDPoP = requiresDPoP
        self.faults = faults
    }
}

/// A token endpoint client authentication method, named as in the IANA registry.
///
/// Used by ``Statistics`` to report which method each client actually used, so a
/// test can tell `client_secret_basic` from `client_secret_post` on the wire.
public enum AuthenticationMethod: String, Sendable, Hashable, CaseIterable {
    /// `client_secret_basic`
    case clientSecretBasic = "client_secret_basic"
    /// `client_secret_post`
    case clientSecretPost = "client_secret_post"
    /// `client_secret_jwt`
    case clientSecretJWT = "client_secret_jwt"
    /// `private_key_jwt`
    case privateKeyJWT = "private_key_jwt"
    /// `none`
    case none = "none"
    /// `tls_client_auth`
    case tlsClientAuth = "tls_client_auth"
    /// `self_signed_tls_client_auth`
    case selfSignedTLSClientAuth = "self_signed_tls_client_auth"
}
