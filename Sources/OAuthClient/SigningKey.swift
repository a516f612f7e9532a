public import Foundation
import Crypto
import _CryptoExtras

/// A private (or secret) key together with the JWS algorithm it signs with.
///
/// Loaded from PEM (PKCS#8, SEC1 EC, PKCS#1 RSA) or a private JWK (RSA, EC,
/// OKP Ed25519, oct); RSA keys under 2048 bits are refused. When no algorithm
/// is given it is derived from the key (RSA → RS256, P-256 → ES256, P-384 →
/// ES384, P-521 → ES512, Ed25519 → EdDSA, oct → HS256); an explicit algorithm
/// that does not fit the key is an error. Its description never shows key material.
public struct SigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case hmac(SymmetricKey)

        var kindName: String {
            switch self {
            case .rsa(let key): "RSA \(key.keySizeInBits)-bit"
            case .p256: "EC P-256"
            case .p384: "EC P-384"
            case .p521: "EC P-521"
            case .ed25519: "Ed25519"
            case .hmac: "symmetric"
            }
        }

        var defaultAlgorithm: JWSAlgorithm {
            switch self {
            case .rsa: .rs256
            case .p256: .es256
            case .p384: .es384
            case .p521: .es512
            case .ed25519: .edDSA
            case .hmac: .hs256
            }
        }

        func fits(_ algorithm: JWSAlgorithm) -> Bool {
            switch (self, algorithm) {
            case (.rsa, .rs256), (.rsa, .rs384), (.rsa, .rs512), (.rsa, .ps256), (.rsa, .ps384), (.rsa, .ps512): true
            case (.p256, .es256), (.p384, .es384), (.p521, .es512): true
            case (.ed25519, .edDSA), (.ed25519, .ed25519): true
            case (.hmac, .hs256), (.hmac, .hs384), (.hmac, .hs512): true
            default: false
            }
        }
    }

    let material: Material
    /// The algorithm this key signs with.
    public let algorithm: JWSAlgorithm
    /// The key ID (`kid`), from the caller or the JWK.
    public let keyID: String?

    /// The UTF-8 text of an HMAC key (the client secret of
    /// `client_secret_jwt`); nil for asymmetric keys.
    package var hmacSecretText: String? {
        guard case .hmac(let key) = material else { return nil }
        return key.withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    init(material: Material, algorithm: JWSAlgorithm?, keyID: String?) throws(OAuthClientError) {
        let chosen = algorithm ?? material.defaultAlgorithm
        guard material.fits(chosen) else {
            throw OAuthClientError(
                .algorithmMismatch,
                "the algorithm \(chosen) does not fit the \(material.kindName) key; use one of \(JWSAlgorithm.allCases.filter(material.fits).map(\.rawValue).joined(separator: ", "))"
            )
        }
        self.material = material
        self.algorithm = chosen
        self.keyID = keyID
    }

    /// Loads a key from PEM or JWK text, whichever `text` holds.
    ///
    /// - Parameters:
    ///   - text: a PEM document or a private JWK (JSON object).
    ///   - algorithm: the JWS algorithm; derived from the key when nil (or from the JWK's `alg`).
    ///   - keyID: the `kid` to put in headers; the JWK's `kid` when nil.
    public init(text: String, algorithm: JWSAlgorithm? = nil, keyID: String? = nil) throws(OAuthClientError) {
        if text.utf8.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{") {
            try self.init(jwk: text, algorithm: algorithm, keyID: keyID)
        } else {
            try self.init(pem: text, algorithm: algorithm, keyID: keyID)
        }
    }

    /// Loads a private key from PEM: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`).
    public init(pem: String, algorithm: JWSAlgorithm? = nil, keyID: String? = nil) throws(OAuthClientError) {
        let material = try KeyLoader.material(fromPEM: pem)
        try self.init(material: material, algorithm: algorithm, keyID: keyID)
    }

    /// Loads a private JWK (RFC 7517): `kty` RSA, EC (P-256/384/521), OKP (Ed25519) or oct.
    public init(jwk: String, algorithm: JWSAlgorithm? = nil, keyID: String? = nil) throws(OAuthClientError) {
        let loaded = try KeyLoader.material(fromJWK: jwk)
        var chosen = algorithm
        if chosen == nil, let jwkAlgorithm = loaded.algorithm {
            guard let parsed = JWSAlgorithm(name: jwkAlgorithm) else {
                throw OAuthClientError(
                    .unsupportedAlgorithm,
                    "the JWK names the algorithm \"\(LogSafe.truncate(jwkAlgorithm, limit: 20))\", which is not supported; use one of \(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            chosen = parsed
        }
        try self.init(material: loaded.material, algorithm: chosen, keyID: keyID ?? loaded.keyID)
    }

    /// An HMAC key from a shared secret (`client_secret_jwt`).
    public init(hmacSecret: some DataProtocol, algorithm: JWSAlgorithm = .hs256, keyID: String? = nil) throws(OAuthClientError) {
        try self.init(material: .hmac(SymmetricKey(data: Array(hmacSecret))), algorithm: algorithm, keyID: keyID)
    }

    /// An HMAC key for an algorithm known to be HS*.
    init(hmacSecret: [UInt8], hmacAlgorithm: JWSAlgorithm) {
        precondition(hmacAlgorithm.isSymmetric)
        self.material = .hmac(SymmetricKey(data: hmacSecret))
        self.algorithm = hmacAlgorithm
        self.keyID = nil
    }

    /// Generates a fresh key for `algorithm` (for DPoP; not for HMAC). RSA keys are 2048 bits.
    public static func generate(_ algorithm: JWSAlgorithm = .es256) throws(OAuthClientError) -> SigningKey {
        let material: Material
        switch algorithm {
        case .es256: material = .p256(P256.Signing.PrivateKey())
        case .es384: material = .p384(P384.Signing.PrivateKey())
        case .es512: material = .p521(P521.Signing.PrivateKey())
        case .edDSA, .ed25519: material = .ed25519(Curve25519.Signing.PrivateKey())
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512:
            do {
                material = .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
            } catch {
                throw OAuthClientError(.invalidKey, "could not generate an RSA key: \(error)")
            }
        case .hs256, .hs384, .hs512:
            throw OAuthClientError(
                .unsupportedAlgorithm, "cannot generate a key for \(algorithm): HMAC keys are client secrets, not generated keys")
        }
        return try SigningKey(material: material, algorithm: algorithm, keyID: nil)
    }

    /// The public key as a JWK with only its required public members (RFC 7638 order); nil for HMAC keys.
    public var publicJWK: [String: String]? {
        switch material {
        case .rsa(let key):
            guard let primitives = try? key.publicKey.getKeyPrimitives() else { return nil }
            return [
                "e": Base64URL.encode(primitives.publicExponent.drop(while: { $0 == 0 })),
                "kty": "RSA",
                "n": Base64URL.encode(primitives.modulus.drop(while: { $0 == 0 })),
            ]
        case .p256(let key): return Self.ecJWK(crv: "P-256", x963: key.publicKey.x963Representation)
        case .p384(let key): return Self.ecJWK(crv: "P-384", x963: key.publicKey.x963Representation)
        case .p521(let key): return Self.ecJWK(crv: "P-521", x963: key.publicKey.x963Representation)
        case .ed25519(let key):
            return ["crv": "Ed25519", "kty": "OKP", "x": Base64URL.encode(key.publicKey.rawRepresentation)]
        case .hmac:
            return nil
        }
    }

    private static func ecJWK(crv: String, x963: Data) -> [String: String] {
        let coordinates = Array(x963.dropFirst())
        let half = coordinates.count / 2
        return [
            "crv": crv,
            "kty": "EC",
            "x": Base64URL.encode(coordinates[..<half]),
            "y": Base64URL.encode(coordinates[half...]),
        ]
    }

    /// The JWK thumbprint (RFC 7638, SHA-256, base64url) of the public key; nil for HMAC keys.
    public var jwkThumbprint: String? {
        guard let jwk = publicJWK else { return nil }
        let canonical = JSONValue.object(jwk.mapValues(JSONValue.string)).jsonText
        return Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8))))
    }

    /// Signs a JWS signing input; ECDSA signatures are raw `r‖s`, RSA uses PKCS#1 v1.5 (RS*) or PSS (PS*).
    package func sign(_ input: [UInt8]) throws(OAuthClientError) -> [UInt8] {
        do {
            switch (material, algorithm) {
            case (.hmac(let key), .hs256): return Array(HMAC<SHA256>.authenticationCode(for: input, using: key))
            case (.hmac(let key), .hs384): return Array(HMAC<SHA384>.authenticationCode(for: input, using: key))
            case (.hmac(let key), .hs512): return Array(HMAC<SHA512>.authenticationCode(for: input, using: key))
            case (.rsa(let key), .rs256):
                return Array(try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
            case (.rsa(let key), .rs384):
                return Array(try key.signature(for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
            case (.rsa(let key), .rs512):
                return Array(try key.signature(for: SHA512.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
            case (.rsa(let key), .ps256): return Array(try key.signature(for: SHA256.hash(data: input), padding: .PSS).rawRepresentation)
            case (.rsa(let key), .ps384): return Array(try key.signature(for: SHA384.hash(data: input), padding: .PSS).rawRepresentation)
            case (.rsa(let key), .ps512): return Array(try key.signature(for: SHA512.hash(data: input), padding: .PSS).rawRepresentation)
            case (.p256(let key), _): return Array(try key.signature(for: input).rawRepresentation)
            case (.p384(let key), _): return Array(try key.signature(for: input).rawRepresentation)
            case (.p521(let key), _): return Array(try key.signature(for: input).rawRepresentation)
            case (.ed25519(let key), _): return Array(try key.signature(for: input))
            default:
                throw OAuthClientError(.algorithmMismatch, "the algorithm \(algorithm) does not fit the \(material.kindName) key")
            }
        } catch let error as OAuthClientError {
            throw error
        } catch {
            throw OAuthClientError(.invalidKey, "signing with the \(material.kindName) key failed: \(error)")
        }
    }

    /// `SigningKey(ES256, EC P-256, kid: …)`; never the key itself.
    public var description: String {
        var text = "SigningKey(\(algorithm), \(material.kindName)"
        if let keyID { text += ", kid: \(keyID)" }
        return text + ")"
    }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// A mirror that shows the algorithm and key ID only.
    public var customMirror: Mirror {
        Mirror(self, children: ["algorithm": algorithm, "keyID": keyID as Any, "key": "<redacted>"], displayStyle: .struct)
    }
}
