internal import Foundation
internal import NIOHTTP1
internal import OAuthClient

/// DPoP proof verification at the token endpoint (RFC 9449 §4.3).
///
/// Every numbered check of §4.3 that applies to a token request is done, each with
/// its own error description; in nonce mode a missing or stale nonce answers
/// `use_dpop_nonce` with a fresh `DPoP-Nonce` header (§8).
struct DPoPVerifier {
    /// How far `iat` may be from the server clock, seconds.
    static let issuedAtWindow: Double = 60

    let core: IssuerCore

    /// Verifies the request's DPoP proof; returns its key's JWK SHA-256 thumbprint, or nil when no proof was sent.
    func verify(_ request: IncomingRequest, endpoint: String, now: Double) throws(OAuthError) -> String? {
        let proofs = request.headers["DPoP"]
        guard let proof = proofs.first else { return nil }
        core.statistics.dpopProofReceived()
        guard proofs.count == 1 else {
            throw .invalidDPoPProof("More than one DPoP header.")
        }
        guard let jws = CompactJWS(proof) else {
            throw .invalidDPoPProof("The DPoP proof is not a compact JWS of JSON objects.")
        }
        guard jws.header["typ"]?.stringValue == "dpop+jwt" else {
            throw .invalidDPoPProof("The DPoP proof's `typ` must be `dpop+jwt`.")
        }
        guard let algorithm = jws.algorithm, JWSAlgorithm.asymmetric.contains(algorithm) else {
            throw .invalidDPoPProof("The DPoP proof's `alg` must be a supported asymmetric algorithm.")
        }
        guard let jwk = jws.header["jwk"]?.objectValue else {
            throw .invalidDPoPProof("The DPoP proof header has no `jwk`.")
        }
        guard JWK.privateMembers.isDisjoint(with: jwk.keys) else {
            throw .invalidDPoPProof("The DPoP proof's `jwk` contains private key members.")
        }
        guard let key = JWK.publicKey(from: jwk), let thumbprint = JWK.thumbprint(of: jwk) else {
            throw .invalidDPoPProof("The DPoP proof's `jwk` is not a supported public key.")
        }
        guard key.isValid(signature: jws.signature, over: jws.signingInput, algorithm: algorithm) else {
            throw .invalidDPoPProof("The DPoP proof signature is invalid for its `jwk` and `alg`.")
        }
        guard jws.claims["htm"]?.stringValue == request.method.rawValue else {
            throw .invalidDPoPProof("The DPoP proof's `htm` does not match the request method.")
        }
        guard let htu = jws.claims["htu"]?.stringValue,
            let normalized = Self.normalize(htu), normalized == Self.normalize(endpoint)
        else {
            throw .invalidDPoPProof("The DPoP proof's `htu` does not match the token endpoint URL.")
        }
        guard let iat = jws.claims["iat"]?.numberValue else {
            throw .invalidDPoPProof("The DPoP proof has no numeric `iat`.")
        }
        guard abs(iat - now) <= Self.issuedAtWindow else {
            throw .invalidDPoPProof("The DPoP proof's `iat` is outside the accepted window.")
        }
        guard let jti = jws.claims["jti"]?.stringValue, !jti.isEmpty, jti.utf8.count <= 512 else {
            throw .invalidDPoPProof("The DPoP proof has no usable `jti`.")
        }
        if core.requireDPoPNonce {
            guard let nonce = jws.claims["nonce"]?.stringValue, core.nonces.isValid(nonce, now: now) else {
                throw OAuthError(
                    code: "use_dpop_nonce",
                    description: "Authorization server requires a DPoP nonce in the proof; use the DPoP-Nonce header value."
                )
            }
        }
        guard core.dpopReplay.insert(jti, expiresAt: iat + Self.issuedAtWindow, now: now) else {
            throw .invalidDPoPProof("The DPoP proof was already used (replayed `jti`).")
        }
        return thumbprint
    }

    /// Scheme and host lower-cased, default port dropped, query and fragment removed.
    static func normalize(_ url: String) -> String? {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased()
        else { return nil }
        var port = ""
        if let value = components.port, !(scheme == "http" && value == 80), !(scheme == "https" && value == 443) {
            port = ":\(value)"
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return scheme + "://" + host + port + path
    }
}
