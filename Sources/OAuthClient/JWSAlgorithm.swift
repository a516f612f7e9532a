/// A JWS signature algorithm (RFC 7518, RFC 8037, RFC 9864) used for client
/// assertions and DPoP proofs.
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// HMAC with SHA-256 (`client_secret_jwt`).
    case hs256 = "HS256"
    /// HMAC with SHA-384 (`client_secret_jwt`).
    case hs384 = "HS384"
    /// HMAC with SHA-512 (`client_secret_jwt`).
    case hs512 = "HS512"
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    case rs384 = "RS384"
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    case rs512 = "RS512"
    /// RSASSA-PSS with SHA-256.
    case ps256 = "PS256"
    /// RSASSA-PSS with SHA-384.
    case ps384 = "PS384"
    /// RSASSA-PSS with SHA-512.
    case ps512 = "PS512"
    /// ECDSA on P-256 with SHA-256.
    case es256 = "ES256"
    /// ECDSA on P-384 with SHA-384.
    case es384 = "ES384"
    /// ECDSA on P-521 with SHA-512.
    case es512 = "ES512"
    /// EdDSA (RFC 8037), here always over Ed25519.
    case edDSA = "EdDSA"
    /// Ed25519 by its fully-specified name (RFC 9864).
    case ed25519 = "Ed25519"

    /// The `alg` header value.
    public var description: String { rawValue }

    /// Whether this is an HMAC algorithm (symmetric key).
    public var isSymmetric: Bool {
        switch self {
        case .hs256, .hs384, .hs512: true
        default: false
        }
    }

    /// Looks an algorithm up by its `alg` name, case-sensitively as JOSE requires.
    public init?(name: String) {
        self.init(rawValue: name)
    }
}
