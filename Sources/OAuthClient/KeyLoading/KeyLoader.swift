import Crypto
import _CryptoExtras

/// Turns PEM and JWK text into key material, with errors that say what the text held instead.
enum KeyLoader {
    static let minimumRSABits = 2048

    static func material(fromPEM text: String) throws(OAuthClientError) -> SigningKey.Material {
        if text.contains("ENCRYPTED") {
            throw OAuthClientError(.invalidKey, "the private key is encrypted, which is not supported; decrypt it first (for example `openssl pkey -in key.pem -out plain.pem`) and keep the file readable only by its owner")
        }
        let blocks = PEMBlock.parseAll(text)
        guard let block = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else {
            if blocks.contains(where: { $0.label == "CERTIFICATE" }) {
                throw OAuthClientError(.invalidKey, "the file holds a certificate, not a private key; give the private key file (PEM `PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`) or a private JWK")
            }
            if let publicBlock = blocks.first(where: { $0.label.hasSuffix("PUBLIC KEY") }) {
                throw OAuthClientError(.invalidKey, "the file holds a public key (\(publicBlock.label)), not a private key")
            }
            throw OAuthClientError(.invalidKey, "no private key found: expected a PEM block `-----BEGIN PRIVATE KEY-----` (PKCS#8), `EC PRIVATE KEY` (SEC1), `RSA PRIVATE KEY` (PKCS#1) or a private JWK")
        }
        switch block.label {
        case "PRIVATE KEY": return try pkcs8(block.der[...])
        case "EC PRIVATE KEY": return try sec1(block.der[...], curve: nil)
        case "RSA PRIVATE KEY": return try rsa(pkcs1: block.der[...], der: block.der)
        default:
            throw OAuthClientError(.invalidKey, "the PEM block `\(block.label)` is not a supported private key format; use PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`)")
        }
    }

    private static func malformed(_ what: String) -> OAuthClientError {
        OAuthClientError(.invalidKey, "the \(what) private key is malformed and cannot be read")
    }

    private static func pkcs8(_ der: ArraySlice<UInt8>) throws(OAuthClientError) -> SigningKey.Material {
        var outer = DERReader(der)
        guard let info = outer.next(tag: DERReader.sequence) else { throw malformed("PKCS#8") }
        var reader = DERReader(info)
        guard reader.next(tag: DERReader.integer) != nil,
              let algorithmIdentifier = reader.next(tag: DERReader.sequence),
              let privateKey = reader.next(tag: DERReader.octetString)
        else { throw malformed("PKCS#8") }
        var algorithmReader = DERReader(algorithmIdentifier)
        guard let oid = algorithmReader.next(tag: DERReader.objectIdentifier) else { throw malformed("PKCS#8") }
        let parameters = algorithmReader.next()
        switch Array(oid) {
        case KeyOID.rsaEncryption:
            return try rsa(pkcs1: privateKey, der: Array(der))
        case KeyOID.ecPublicKey:
            guard let parameters, parameters.tag == DERReader.objectIdentifier else { throw malformed("PKCS#8 EC") }
            return try sec1(privateKey, curve: Array(parameters.content))
        case KeyOID.ed25519:
            var inner = DERReader(privateKey)
            guard let seed = inner.next(tag: DERReader.octetString), seed.count == 32 else { throw malformed("Ed25519") }
            do {
                return .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed)))
            } catch {
                throw malformed("Ed25519")
            }
        default:
            throw OAuthClientError(.invalidKey, "the PKCS#8 key uses an unsupported algorithm; supported are RSA, EC P-256/P-384/P-521 and Ed25519")
        }
    }

    /// SEC1 `ECPrivateKey`; the curve comes from PKCS#8 parameters, the SEC1 `[0]` field or the key length.
    private static func sec1(_ der: ArraySlice<UInt8>, curve: [UInt8]?) throws(OAuthClientError) -> SigningKey.Material {
        var outer = DERReader(der)
        guard let body = outer.next(tag: DERReader.sequence) else { throw malformed("EC") }
        var reader = DERReader(body)
        guard reader.next(tag: DERReader.integer) != nil, let scalar = reader.next(tag: DERReader.octetString) else {
            throw malformed("EC")
        }
        var curveOID = curve
        while let element = reader.next() {
            if element.tag == 0xA0 {
                var parameters = DERReader(element.content)
                if let oid = parameters.next(tag: DERReader.objectIdentifier) { curveOID = Array(oid) }
            }
        }
        let raw = Array(scalar)
        do {
            switch curveOID {
            case KeyOID.prime256v1?: return .p256(try P256.Signing.PrivateKey(rawRepresentation: raw))
            case KeyOID.secp384r1?: return .p384(try P384.Signing.PrivateKey(rawRepresentation: raw))
            case KeyOID.secp521r1?: return .p521(try P521.Signing.PrivateKey(rawRepresentation: raw))
            case nil:
                switch raw.count {
                case 32: return .p256(try P256.Signing.PrivateKey(rawRepresentation: raw))
                case 48: return .p384(try P384.Signing.PrivateKey(rawRepresentation: raw))
                case 66: return .p521(try P521.Signing.PrivateKey(rawRepresentation: raw))
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

    /// Checks the modulus size from the PKCS#1 structure, then lets swift-crypto load `der`.
    private static func rsa(pkcs1: ArraySlice<UInt8>, der: [UInt8]) throws(OAuthClientError) -> SigningKey.Material {
        var outer = DERReader(pkcs1)
        guard let body = outer.next(tag: DERReader.sequence) else { throw malformed("RSA") }
        var reader = DERReader(body)
        guard reader.next(tag: DERReader.integer) != nil, let modulus = reader.next(tag: DERReader.integer) else {
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
            throw OAuthClientError(.weakKey, "the RSA key has \(bits) bits; keys under \(minimumRSABits) bits are refused, generate a new one (for example `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072`)")
        }
    }
}
