internal import Crypto
internal import OAuthClient
internal import _CryptoExtras

/// A JWS in compact serialisation (RFC 7515 §7.1), split and decoded but not yet verified.
struct CompactJWS {
    /// The protected header members.
    let header: [String: JSONValue]
    /// The payload as JSON claims.
    let claims: [String: JSONValue]
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes that were signed.
    let signingInput: [UInt8]
    /// The decoded signature.
    let signature: [UInt8]

    /// Splits and decodes `token`; nil when it is not three base64url parts of JSON objects.
    init?(_ token: String) {
        let bytes = Array(token.utf8)
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = Base64URL.strictDecode(parts[0]),
            let payloadBytes = Base64URL.strictDecode(parts[1]),
            let signature = Base64URL.strictDecode(parts[2]),
            let header = (try? JSONValue(parsing: headerBytes))?.objectValue,
            let claims = (try? JSONValue(parsing: payloadBytes))?.objectValue
        else { return nil }
        self.header = header
        self.claims = claims
        self.signingInput = Array(bytes[0..<(parts[0].count + 1 + parts[1].count)])
        self.signature = signature
    }

    /// The `alg` header as a supported algorithm, if it is one.
    var algorithm: JWSAlgorithm? {
        header["alg"]?.stringValue.flatMap(JWSAlgorithm.init(rawValue:))
    }
}

/// The JWS algorithms the issuer verifies (RFC 7518, RFC 8037, RFC 9864 `Ed25519`).
enum JWSAlgorithm: String, CaseIterable, Sendable {
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case edDSA = "EdDSA", ed25519 = "Ed25519"

    /// The HMAC algorithms, for `client_secret_jwt`.
    static let symmetric: [JWSAlgorithm] = [.hs256, .hs384, .hs512]
    /// The public-key algorithms, for `private_key_jwt` and DPoP.
    static let asymmetric: [JWSAlgorithm] = allCases.filter { !symmetric.contains($0) }
}

/// A key that can check a JWS signature.
enum VerificationKey: Sendable {
    case hmac([UInt8])
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)
    case p521(P521.Signing.PublicKey)
    case ed25519(Curve25519.Signing.PublicKey)

    /// Whether `signature` over `input` is valid for `algorithm` under this key.
    ///
    /// The algorithm must fit the key type (ES256 only with P-256, and so on) and
    /// RSA keys must be at least 2048 bits; anything else is simply invalid.
    func isValid(signature: [UInt8], over input: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.hmac(let secret), .hs256):
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: SymmetricKey(data: secret))
        case (.hmac(let secret), .hs384):
            return HMAC<SHA384>.isValidAuthenticationCode(signature, authenticating: input, using: SymmetricKey(data: secret))
        case (.hmac(let secret), .hs512):
            return HMAC<SHA512>.isValidAuthenticationCode(signature, authenticating: input, using: SymmetricKey(data: secret))
        case (.rsa(let key), .rs256), (.rsa(let key), .rs384), (.rsa(let key), .rs512),
            (.rsa(let key), .ps256), (.rsa(let key), .ps384), (.rsa(let key), .ps512):
            guard key.keySizeInBits >= 2048 else { return false }
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case .rs256: return key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
            case .rs384: return key.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5)
            case .rs512: return key.isValidSignature(rsaSignature, for: SHA512.hash(data: input), padding: .insecurePKCS1v1_5)
            case .ps256: return key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .PSS)
            case .ps384: return key.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .PSS)
            default: return key.isValidSignature(rsaSignature, for: SHA512.hash(data: input), padding: .PSS)
            }
        case (.p256(let key), .es256):
            guard signature.count == 64, let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA256.hash(data: input))
        case (.p384(let key), .es384):
            guard signature.count == 96, let ecdsa = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA384.hash(data: input))
        case (.p521(let key), .es512):
            guard signature.count == 132, let ecdsa = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: SHA512.hash(data: input))
        case (.ed25519(let key), .edDSA), (.ed25519(let key), .ed25519):
            return key.isValidSignature(signature, for: input)
        default:
            return false
        }
    }
}

/// Signs access tokens with the issuer's P-256 key (ES256).
struct AccessTokenSigner: Sendable {
    let privateKey: P256.Signing.PrivateKey
    /// The key id published in the JWKS and put in every token header.
    let keyID: String
    /// The public JWK, as published in the JWKS.
    let publicJWK: JSONValue

    init(pem: String?) throws {
        if let pem {
            do {
                privateKey = try P256.Signing.PrivateKey(pemRepresentation: pem)
            } catch {
                throw LocalIssuerError(
                    "The signing key is not a P-256 private key in PEM form; generate one with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`."
                )
            }
        } else {
            privateKey = P256.Signing.PrivateKey()
        }
        let raw = Array(privateKey.publicKey.rawRepresentation)
        let members: [String: JSONValue] = [
            "kty": .string("EC"), "crv": .string("P-256"),
            "x": .string(Base64URL.encode(raw[0..<32])), "y": .string(Base64URL.encode(raw[32..<64])),
        ]
        keyID = JWK.thumbprint(of: members) ?? "local-issuer"
        var published = members
        published["kid"] = .string(keyID)
        published["use"] = .string("sig")
        published["alg"] = .string("ES256")
        publicJWK = .object(published)
    }

    /// Returns a compact JWS (`typ: at+jwt`, RFC 9068) over `claims`.
    func sign(claims: JSONValue) throws -> String {
        let header = JSONValue.object(["alg": .string("ES256"), "typ": .string("at+jwt"), "kid": .string(keyID)])
        let input = Base64URL.encode(header.jsonText.utf8) + "." + Base64URL.encode(claims.jsonText.utf8)
        let signature = try privateKey.signature(for: SHA256.hash(data: Array(input.utf8)))
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
