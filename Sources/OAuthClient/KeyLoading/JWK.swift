import Crypto
import _CryptoExtras

extension KeyLoader {
    struct LoadedJWK {
        let material: SigningKey.Material
        let algorithm: String?
        let keyID: String?
    }

    /// Reads a private JWK (RFC 7517/7518/8037).
    static func material(fromJWK text: String) throws(OAuthClientError) -> LoadedJWK {
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: text)
        } catch {
            throw OAuthClientError(.invalidKey, "the key is neither PEM nor valid JWK JSON (\(error))")
        }
        guard case .object(let jwk) = parsed else {
            throw OAuthClientError(
                .invalidKey, "a JWK must be a JSON object, got a \(parsed.typeName); a JWK Set (`keys`) is not accepted, give one key")
        }
        func member(_ name: String) throws(OAuthClientError) -> [UInt8] {
            guard let text = jwk[name]?.stringValue else {
                throw OAuthClientError(.invalidKey, "the JWK has no `\(name)` member; a private JWK is needed")
            }
            guard let bytes = Base64URL.decode(text) else {
                throw OAuthClientError(.invalidKey, "the JWK member `\(name)` is not base64url")
            }
            return bytes
        }
        let algorithm = jwk["alg"]?.stringValue
        let keyID = jwk["kid"]?.stringValue
        guard let kty = jwk["kty"]?.stringValue else {
            if jwk["keys"] != nil {
                throw OAuthClientError(.invalidKey, "the file holds a JWK Set; give a single private JWK")
            }
            throw OAuthClientError(.invalidKey, "the JWK has no `kty` member")
        }
        let material: SigningKey.Material
        switch kty {
        case "RSA":
            let n = try member("n"), e = try member("e")
            try checkRSASize(bits: bitLength(n))
            guard jwk["d"] != nil else {
                throw OAuthClientError(.invalidKey, "the RSA JWK is a public key (no `d`); a private JWK is needed")
            }
            let d = try member("d")
            do {
                if jwk["p"] != nil, jwk["q"] != nil {
                    material = .rsa(try _RSA.Signing.PrivateKey(n: n, e: e, d: d, p: try member("p"), q: try member("q")))
                } else {
                    material = .rsa(try _RSA.Signing.PrivateKey._createFromNumbers(n: n, e: e, d: d))
                }
            } catch let error as OAuthClientError {
                throw error
            } catch {
                throw OAuthClientError(.invalidKey, "the RSA JWK is malformed and cannot be read")
            }
        case "EC":
            guard jwk["d"] != nil else {
                throw OAuthClientError(.invalidKey, "the EC JWK is a public key (no `d`); a private JWK is needed")
            }
            let d = try member("d")
            let x = try member("x"), y = try member("y")
            let crv = jwk["crv"]?.stringValue ?? ""
            do {
                switch crv {
                case "P-256":
                    let key = try P256.Signing.PrivateKey(rawRepresentation: d)
                    guard Array(key.publicKey.x963Representation) == [0x04] + x + y else { throw mismatch() }
                    material = .p256(key)
                case "P-384":
                    let key = try P384.Signing.PrivateKey(rawRepresentation: d)
                    guard Array(key.publicKey.x963Representation) == [0x04] + x + y else { throw mismatch() }
                    material = .p384(key)
                case "P-521":
                    let key = try P521.Signing.PrivateKey(rawRepresentation: d)
                    guard Array(key.publicKey.x963Representation) == [0x04] + x + y else { throw mismatch() }
                    material = .p521(key)
                default:
                    throw OAuthClientError(
                        .invalidKey, "the EC JWK curve \"\(LogSafe.truncate(crv, limit: 20))\" is not supported; use P-256, P-384 or P-521")
                }
            } catch let error as OAuthClientError {
                throw error
            } catch {
                throw OAuthClientError(.invalidKey, "the EC JWK is malformed and cannot be read")
            }
        case "OKP":
            guard jwk["crv"]?.stringValue == "Ed25519" else {
                throw OAuthClientError(.invalidKey, "the OKP JWK curve is not supported; use Ed25519")
            }
            guard jwk["d"] != nil else {
                throw OAuthClientError(.invalidKey, "the OKP JWK is a public key (no `d`); a private JWK is needed")
            }
            let d = try member("d")
            do {
                let key = try Curve25519.Signing.PrivateKey(rawRepresentation: d)
                if let x = jwk["x"]?.stringValue, Base64URL.decode(x) != Array(key.publicKey.rawRepresentation) { throw mismatch() }
                material = .ed25519(key)
            } catch let error as OAuthClientError {
                throw error
            } catch {
                throw OAuthClientError(.invalidKey, "the Ed25519 JWK is malformed and cannot be read")
            }
        case "oct":
            material = .hmac(SymmetricKey(data: try member("k")))
        default:
            throw OAuthClientError(
                .invalidKey, "the JWK key type \"\(LogSafe.truncate(kty, limit: 20))\" is not supported; use RSA, EC, OKP or oct")
        }
        return LoadedJWK(material: material, algorithm: algorithm, keyID: keyID)
    }

    private static func mismatch() -> OAuthClientError {
        OAuthClientError(.invalidKey, "the JWK's public members do not belong to its private key")
    }
}
