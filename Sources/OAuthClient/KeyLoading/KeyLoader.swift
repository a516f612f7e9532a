import Crypto
import SwiftASN1
import _CryptoExtras

/// Turns PEM and JWK text into key material, with errors that say what the text held instead.
enum KeyLoader {
    static let minimumRSABits = 2048

    static func material(fromPEM text: String) throws(OAuthClientError) -> SigningKey.Material {
        if text.contains("ENCRYPTED") {
            throw OAuthClientError(
                .invalidKey,
                "the private key is encrypted, which is not supported; decrypt it first (for example `openssl pkey -in key.pem -out plain.pem`) and keep the file readable only by its owner"
            )
        }
        let blocks = PEMBlock.parseAll(text)
        guard let block = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else {
            if blocks.contains(where: { $0.label == "CERTIFICATE" }) {
                throw OAuthClientError(
                    .invalidKey,
                    "the file holds a certificate, not a private key; give the private key file (PEM `PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`) or a private JWK"
                )
            }
            if let publicBlock = blocks.first(where: { $0.label.hasSuffix("PUBLIC KEY") }) {
                throw OAuthClientError(.invalidKey, "the file holds a public key (\(publicBlock.label)), not a private key")
            }
            throw OAuthClientError(
                .invalidKey,
                "no private key found: expected a PEM block `-----BEGIN PRIVATE KEY-----` (PKCS#8), `EC PRIVATE KEY` (SEC1), `RSA PRIVATE KEY` (PKCS#1) or a private JWK"
            )
        }
        switch block.label {
        case "PRIVATE KEY": return try pkcs8(block.der)
        case "EC PRIVATE KEY": return try sec1(block.der)
        case "RSA PRIVATE KEY": return try rsa(block.der, pkcs1: block.der[...])
        default:
            throw OAuthClientError(
                .invalidKey,
                "the PEM block `\(block.label)` is not a supported private key format; use PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`)"
            )
        }
    }

    private static func malformed(_ what: String) -> OAuthClientError {
        OAuthClientError(.invalidKey, "the \(what) private key is malformed and cannot be read")
    }

    /// PKCS#8: the algorithm (and an EC key's curve) decide which swift-crypto type loads the DER.
    private static func pkcs8(_ der: [UInt8]) throws(OAuthClientError) -> SigningKey.Material {
        let info: PrivateKeyDER.PKCS8
        do {
            info = try PrivateKeyDER.PKCS8(derEncoded: der)
        } catch {
            throw malformed("PKCS#8")
        }
        switch info.algorithm {
        case PrivateKeyDER.rsaEncryption:
            return try rsa(der, pkcs1: info.privateKey)
        case PrivateKeyDER.ecPublicKey:
            guard let curve = info.curve else { throw malformed("PKCS#8 EC") }
            return try ec(der, curve: curve, scalarCount: nil)
        case PrivateKeyDER.ed25519:
            do {
                return .ed25519(try Curve25519.Signing.PrivateKey(derRepresentation: der))
            } catch {
                throw malformed("Ed25519")
            }
        default:
            throw OAuthClientError(
                .invalidKey, "the PKCS#8 key uses an unsupported algorithm; supported are RSA, EC P-256/P-384/P-521 and Ed25519")
        }
    }

    /// SEC1 `ECPrivateKey`; the curve comes from its `[0]` field or, when absent, the scalar's length.
    private static func sec1(_ der: [UInt8]) throws(OAuthClientError) -> SigningKey.Material {
        let key: PrivateKeyDER.SEC1
        do {
            key = try PrivateKeyDER.SEC1(derEncoded: der)
        } catch {
            throw malformed("EC")
        }
        return try ec(der, curve: key.curve, scalarCount: key.scalar.count)
    }

    /// Loads an EC key's DER (PKCS#8 or SEC1) as the curve's swift-crypto key.
    private static func ec(_ der: [UInt8], curve: ASN1ObjectIdentifier?, scalarCount: Int?) throws(OAuthClientError) -> SigningKey.Material
    {
        do {
            switch curve {
            case ASN1ObjectIdentifier.NamedCurves.secp256r1?: return .p256(try P256.Signing.PrivateKey(derRepresentation: der))
            case ASN1ObjectIdentifier.NamedCurves.secp384r1?: return .p384(try P384.Signing.PrivateKey(derRepresentation: der))
            case ASN1ObjectIdentifier.NamedCurves.secp521r1?: return .p521(try P521.Signing.PrivateKey(derRepresentation: der))
            case nil:
                switch scalarCount {
                case 32: return .p256(try P256.Signing.PrivateKey(derRepresentation: der))
                case 48: return .p384(try P384.Signing.PrivateKey(derRepresentation: der))
                case 66: return .p521(try P521.Signing.PrivateKey(derRepresentation: der))
                default: throw malformed("EC")
                }
            default:
                throw OAuthClientError(.invalidKey, "the EC key uses an unsupported curve; supported are P-256, P-384 and P-521")
            }
        } catch let error as OAuthClientError {
            throw error
        } catch {
            throw malformed("EC")
        }
    }

    /// Checks the modulus size from the PKCS#1 structure, then lets swift-crypto load `der` (PKCS#1 or PKCS#8).
    private static func rsa(_ der: [UInt8], pkcs1: ArraySlice<UInt8>) throws(OAuthClientError) -> SigningKey.Material {
        let modulus: ArraySlice<UInt8>
        do {
            modulus = try PrivateKeyDER.PKCS1(derEncoded: pkcs1).modulus
        } catch {
            throw malformed("RSA")
        }
        try checkRSASize(bits: bitLength(modulus))
        do {
            return .rsa(try _RSA.Signing.PrivateKey(derRepresentation: der))
        } catch {
            throw malformed("RSA")
        }
    }

    static func bitLength(_ bigEndian: some Collection<UInt8>) -> Int {
        let trimmed = bigEndian.drop(while: { $0 == 0 })
        guard let first = trimmed.first else { return 0 }
        return (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    static func checkRSASize(bits: Int) throws(OAuthClientError) {
        guard bits >= minimumRSABits else {
            throw OAuthClientError(
                .weakKey,
                "the RSA key has \(bits) bits; keys under \(minimumRSABits) bits are refused, generate a new one (for example `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072`)"
            )
        }
    }
}
