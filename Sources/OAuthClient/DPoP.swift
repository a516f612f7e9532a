import Foundation
import NIOConcurrencyHelpers

/// The last `DPoP-Nonce` (RFC 9449 §8) each origin sent, shareable by many
/// ``DPoPHandle``s: a server's nonce is not tied to one key, so clients of the
/// same authorization server that share a store learn it once, not each on a
/// `use_dpop_nonce` round trip of its own.
public final class DPoPNonceStore: Sendable {
    private let nonces = NIOLockedValueBox<[String: String]>([:])

    /// An empty store.
    public init() {}

    /// The nonce last received from `origin` (`https://host[:port]`), if any.
    public func nonce(forOrigin origin: String) -> String? {
        nonces.withLockedValue { $0[origin] }
    }

    func remember(nonce: String, forOrigin origin: String) {
        nonces.withLockedValue { $0[origin] = nonce }
    }
}

/// A DPoP key (RFC 9449) and the nonces the client remembers with it (its own
/// store, or one shared with other handles). The counterpart of openid-client's
/// `getDPoPHandle`.
///
/// Safe to share across concurrent grants; tokens issued with it are bound to
/// its key, so keep the handle (or its key) as long as the tokens are used.
public final class DPoPHandle: Sendable, CustomStringConvertible {
    /// The proof key; its public part goes in every proof's `jwk` header.
    public let key: SigningKey
    /// The JWK thumbprint of the key (`jkt`, RFC 7638), which the token is bound to.
    public let thumbprint: String
    private let headerSegment: String
    /// Where this handle's nonces are kept.
    public let nonces: DPoPNonceStore

    /// The algorithms a DPoP proof may use here.
    public static let supportedAlgorithms: [JWSAlgorithm] = [
        .es256, .es384, .es512, .edDSA, .ed25519, .rs256, .rs384, .rs512, .ps256, .ps384, .ps512,
    ]

    /// A handle for an existing asymmetric key; `nonces` may be shared with other handles.
    public init(key: SigningKey, nonces: DPoPNonceStore = DPoPNonceStore()) throws(OAuthClientError) {
        guard let jwk = key.publicJWK, let thumbprint = key.jwkThumbprint, Self.supportedAlgorithms.contains(key.algorithm) else {
            throw OAuthClientError(
                .algorithmMismatch,
                "a DPoP key must be asymmetric (ES256, ES384, ES512, EdDSA, RS256, PS256 …); \(key.algorithm) cannot sign DPoP proofs")
        }
        self.key = key
        self.thumbprint = thumbprint
        self.nonces = nonces
        let jwkJSON = JSONValue.object(jwk.mapValues(JSONValue.string)).jsonText
        self.headerSegment = JWS.segment(
            JWS.header([
                ("alg", JWS.quoted(key.algorithm.rawValue)),
                ("jwk", jwkJSON),
                ("typ", "\"dpop+jwt\""),
            ]))
    }

    /// A handle with a freshly generated key; ES256 unless told otherwise.
    public static func generate(_ algorithm: JWSAlgorithm = .es256, nonces: DPoPNonceStore = DPoPNonceStore()) throws(OAuthClientError)
        -> DPoPHandle
    {
        try DPoPHandle(key: SigningKey.generate(algorithm), nonces: nonces)
    }

    /// The nonce last received from `origin` (`https://host[:port]`), if any.
    public func nonce(forOrigin origin: String) -> String? {
        nonces.nonce(forOrigin: origin)
    }

    func remember(nonce: String, forOrigin origin: String) {
        nonces.remember(nonce: nonce, forOrigin: origin)
    }

    /// A new proof for one request: fresh `jti`, `iat` now, the origin's nonce when known.
    func proof(method: String, endpoint: Endpoint, now: Int) throws(OAuthClientError) -> String {
        var claims = "{\"htm\":"
        claims += JWS.quoted(method)
        claims += ",\"htu\":"
        claims += JWS.quoted(endpoint.htu)
        claims += ",\"iat\":\(now),\"jti\":\""
        claims += JWS.randomIdentifier()
        claims += "\""
        if let nonce = nonce(forOrigin: endpoint.origin) {
            claims += ",\"nonce\":"
            claims += JWS.quoted(nonce)
        }
        claims += "}"
        return try JWS.sign(headerSegment: headerSegment, claims: claims, key: key)
    }

    /// `DPoPHandle(ES256, jkt: …)`; the thumbprint is public information.
    public var description: String { "DPoPHandle(\(key.algorithm), jkt: \(thumbprint))" }
}
