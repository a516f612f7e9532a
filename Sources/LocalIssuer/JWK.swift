internal import Crypto
internal import OAuthClient
internal import _CryptoExtras
internal import X509
internal import SwiftASN1

/// JSON Web Keys (RFC 7517/7518/8037): parsing public keys and RFC 7638 thumbprints.
enum JWK {
    /// Members that only private or symmetric JWKs have; a DPoP `jwk` must carry none.
    static let privateMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// Builds a verification key from a public JWK; nil for unknown or malformed keys.
    static func publicKey(from jwk: [String: JSONValue]) -> VerificationKey? {
        switch jwk["kty"]?.stringValue {
        case "RSA":
            guard let n = jwk["n"]?.stringValue.flatMap({ Base64URL.strictDecode($0.utf8) }),
                let e = jwk["e"]?.stringValue.flatMap({ Base64URL.strictDecode($0.utf8) }),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { return nil }
            return .rsa(key)
        case "EC":
            guard let x = jwk["x"]?.stringValue.flatMap({ Base64URL.strictDecode($0.utf8) }),
                let y = jwk["y"]?.stringValue.flatMap({ Base64URL.strictDecode($0.utf8) }), x.count == y.count
            else { return nil }
            let raw = x + y
            switch (jwk["crv"]?.stringValue, x.count) {
            case ("P-256", 32): return (try? P256.Signing.PublicKey(rawRepresentation: raw)).map { .p256($0) }
            case ("P-384", 48): return (try? P384.Signing.PublicKey(rawRepresentation: raw)).map { .p384($0) }
            case ("P-521", 66): return (try? P521.Signing.PublicKey(rawRepresentation: raw)).map { .p521($0) }
            default: return nil
            }
        case "OKP":
            guard jwk["crv"]?.stringValue == "Ed25519",
                let x = jwk["x"]?.stringValue.flatMap({ Base64URL.strictDecode($0.utf8) }),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x)
            else { return nil }
            return .ed25519(key)
        default:
            return nil
        }
    }

    /// Builds a verification key from PEM `PUBLIC KEY` text or JWK / JWKS JSON text.
    static func publicKey(fromText text: String) -> VerificationKey? {
        let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        if trimmed.hasPrefix("{") {
            guard let object = (try? JSONValue(parsing: trimmed.utf8))?.objectValue else { return nil }
            if case .array(let keys)? = object["keys"] {
                guard let first = keys.first?.objectValue else { return nil }
                return publicKey(from: first)
            }
            return publicKey(from: object)
        }
        guard let key = try? Certificate.PublicKey(pemEncoded: String(trimmed)) else { return nil }
        return verificationKey(from: key)
    }

    /// Unwraps a swift-certificates public key into a verification key.
    static func verificationKey(from key: Certificate.PublicKey) -> VerificationKey? {
        if let rsa = _RSA.Signing.PublicKey(key) { return .rsa(rsa) }
        if let p256 = P256.Signing.PublicKey(key) { return .p256(p256) }
        if let p384 = P384.Signing.PublicKey(key) { return .p384(p384) }
        if let p521 = P521.Signing.PublicKey(key) { return .p521(p521) }
        if let ed = Curve25519.Signing.PublicKey(key) { return .ed25519(ed) }
        return nil
    }

    /// The RFC 7638 SHA-256 thumbprint, base64url; nil when required members are missing.
    static func thumbprint(of jwk: [String: JSONValue]) -> String? {
        let required: [String]
        switch jwk["kty"]?.stringValue {
        case "RSA": required = ["e", "kty", "n"]
        case "EC": required = ["crv", "kty", "x", "y"]
        case "OKP": required = ["crv", "kty", "x"]
        case "oct": required = ["k", "kty"]
        default: return nil
        }
        var canonical: [String: JSONValue] = [:]
        for member in required {
            guard let value = jwk[member]?.stringValue else { return nil }
            canonical[member] = .string(value)
        }
        // Sorted keys, no whitespace: exactly RFC 7638 §3.2's form.
        let json = JSONValue.object(canonical).jsonText
        return Base64URL.encode(SHA256.hash(data: Array(json.utf8)))
    }
}
