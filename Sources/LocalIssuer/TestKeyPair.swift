internal import Crypto
internal import OAuthClient
internal import _CryptoExtras

/// A freshly generated client key pair for `private_key_jwt` and DPoP tests, as PEM and JWK.
///
/// Tests sign with the private key using their own code (or another tool) and
/// register the public half with ``RegisteredClient/Authentication/privateKeyJWT(publicKey:)``.
public struct TestKeyPair: Sendable, Hashable {
    /// The key type and size.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// RSA, 2048-bit modulus.
        case rsa2048
        /// RSA, 3072-bit modulus.
        case rsa3072
        /// ECDSA on P-256.
        case p256
        /// ECDSA on P-384.
        case p384
        /// ECDSA on P-521.
        case p521
        /// Ed25519.
        case ed25519
    }

    /// Which kind of key this is.
    public let kind: Kind
    /// The private key, PKCS#8 PEM (`PRIVATE KEY`).
    public let privateKeyPEM: String
    /// The public key, SPKI PEM (`PUBLIC KEY`).
    public let publicKeyPEM: String
    /// The public JWK as compact JSON text (`kty`, `crv`/`n`/`e`, `x`/`y`), without `kid` or `alg`.
    public let publicJWK: String

    /// Generates a key pair of `kind`.
    public static func generate(_ kind: Kind) throws -> TestKeyPair {
        switch kind {
        case .rsa2048, .rsa3072:
            let key = try _RSA.Signing.PrivateKey(keySize: kind == .rsa2048 ? .bits2048 : .bits3072)
            let primitives = try key.publicKey.getKeyPrimitives()
            let jwk = JSONValue.object([
                "kty": .string("RSA"),
                "n": .string(Base64URL.encode(primitives.modulus)),
                "e": .string(Base64URL.encode(primitives.publicExponent)),
            ])
            return TestKeyPair(
                kind: kind, privateKeyPEM: key.pkcs8PEMRepresentation, publicKeyPEM: key.publicKey.pemRepresentation,
                publicJWK: jwk.jsonText)
        case .p256:
            let key = P256.Signing.PrivateKey()
            return TestKeyPair(
                kind: kind, privateKeyPEM: key.pemRepresentation, publicKeyPEM: key.publicKey.pemRepresentation,
                publicJWK: ecJWK("P-256", Array(key.publicKey.rawRepresentation)))
        case .p384:
            let key = P384.Signing.PrivateKey()
            return TestKeyPair(
                kind: kind, privateKeyPEM: key.pemRepresentation, publicKeyPEM: key.publicKey.pemRepresentation,
                publicJWK: ecJWK("P-384", Array(key.publicKey.rawRepresentation)))
        case .p521:
            let key = P521.Signing.PrivateKey()
            return TestKeyPair(
                kind: kind, privateKeyPEM: key.pemRepresentation, publicKeyPEM: key.publicKey.pemRepresentation,
                publicJWK: ecJWK("P-521", Array(key.publicKey.rawRepresentation)))
        case .ed25519:
            let key = Curve25519.Signing.PrivateKey()
            let jwk = JSONValue.object([
                "kty": .string("OKP"), "crv": .string("Ed25519"),
                "x": .string(Base64URL.encode(key.publicKey.rawRepresentation)),
            ])
            return TestKeyPair(
                kind: kind, privateKeyPEM: key.pemRepresentation, publicKeyPEM: key.publicKey.pemRepresentation, publicJWK: jwk.jsonText)
        }
    }

    /// The RFC 7638 SHA-256 thumbprint of ``publicJWK``, as `cnf.jkt` carries it.
    public var thumbprint: String {
        (try? JSONValue(parsing: publicJWK.utf8))?.objectValue.flatMap(JWK.thumbprint(of:)) ?? ""
    }

    private static func ecJWK(_ curve: String, _ raw: [UInt8]) -> String {
        let half = raw.count / 2
        return JSONValue.object([
            "kty": .string("EC"), "crv": .string(curve),
            "x": .string(Base64URL.encode(raw[0..<half])),
            "y": .string(Base64URL.encode(raw[half...])),
        ]).jsonText
    }
}
