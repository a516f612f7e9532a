import Crypto
import Foundation
import Testing
import _CryptoExtras
@testable import OAuthClient

/// Key files as people have them: re-wrapped PEM, SEC1 without its curve,
/// curves and algorithms that are not supported.
@Suite("Key file formats")
struct KeyFileFormatTests {
    /// PEM armour around `der`, with base64 lines of `width` characters.
    private func pem(_ label: String, _ der: [UInt8], width: Int, indent: String = "") -> String {
        let body = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var rest = Substring(body)
        while !rest.isEmpty {
            lines.append(indent + rest.prefix(width))
            rest = rest.dropFirst(width)
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A SEC1 `ECPrivateKey` with only its version and scalar, and optionally a `[0]` curve OID.
    private func sec1(scalar: [UInt8], curveOID: [UInt8]? = nil) -> [UInt8] {
        var body: [UInt8] = [0x02, 0x01, 0x01, 0x04, UInt8(scalar.count)] + scalar
        if let curveOID {
            body += [0xA0, UInt8(curveOID.count + 2), 0x06, UInt8(curveOID.count)] + curveOID
        }
        return [0x30, UInt8(body.count)] + body
    }

    @Test("PEM with one long base64 line, 76-column lines or indented lines still loads")
    func rewrappedPEM() throws {
        let key = P256.Signing.PrivateKey()
        let der = Array(key.derRepresentation)
        for text in [
            pem("PRIVATE KEY", der, width: 10_000), pem("PRIVATE KEY", der, width: 76), pem("PRIVATE KEY", der, width: 64, indent: "  "),
        ] {
            let loaded = try SigningKey(pem: text)
            #expect(loaded.algorithm == .es256)
            #expect(loaded.publicJWK == (try SigningKey(pem: key.pemRepresentation)).publicJWK)
        }
    }

    @Test("a SEC1 key without its curve takes the curve from the scalar's length")
    func sec1WithoutCurve() throws {
        let p256 = P256.Signing.PrivateKey()
        let loaded256 = try SigningKey(pem: pem("EC PRIVATE KEY", sec1(scalar: Array(p256.rawRepresentation)), width: 64))
        #expect(loaded256.algorithm == .es256)
        #expect(loaded256.publicJWK == (try SigningKey(pem: p256.pemRepresentation)).publicJWK)
        let p384 = P384.Signing.PrivateKey()
        let loaded384 = try SigningKey(pem: pem("EC PRIVATE KEY", sec1(scalar: Array(p384.rawRepresentation)), width: 64))
        #expect(loaded384.algorithm == .es384)
        #expect(loaded384.publicJWK == (try SigningKey(pem: p384.pemRepresentation)).publicJWK)
        let odd = try #require(throws: OAuthClientError.self) {
            try SigningKey(pem: pem("EC PRIVATE KEY", sec1(scalar: [UInt8](repeating: 7, count: 20)), width: 64))
        }
        #expect(odd.code == .invalidKey)
        #expect(odd.description.contains("the EC private key is malformed and cannot be read"))
    }

    @Test("an EC key on an unsupported curve is refused with the curves that are supported")
    func unsupportedCurve() throws {
        let secp256k1: [UInt8] = [0x2B, 0x81, 0x04, 0x00, 0x0A]
        let text = pem("EC PRIVATE KEY", sec1(scalar: Array(P256.Signing.PrivateKey().rawRepresentation), curveOID: secp256k1), width: 64)
        let error = try #require(throws: OAuthClientError.self) { try SigningKey(pem: text) }
        #expect(error.code == .invalidKey)
        #expect(error.description.contains("unsupported curve; supported are P-256, P-384 and P-521"))
    }

    @Test("a PKCS#8 key of an unsupported algorithm (X25519) is refused and names the supported ones")
    func unsupportedAlgorithm() throws {
        let text = Curve25519.KeyAgreement.PrivateKey().pemRepresentation
        let error = try #require(throws: OAuthClientError.self) { try SigningKey(pem: text) }
        #expect(error.code == .invalidKey)
        #expect(error.description.contains("unsupported algorithm; supported are RSA, EC P-256/P-384/P-521 and Ed25519"))
    }

    @Test("a malformed key is refused without quoting the key file")
    func malformedWithoutMaterial() throws {
        var der = Array(P256.Signing.PrivateKey().derRepresentation)
        der[der.count / 2] ^= 0xFF
        der.removeLast(5)
        let text = pem("PRIVATE KEY", der, width: 64)
        let error = try #require(throws: OAuthClientError.self) { try SigningKey(pem: text) }
        #expect(error.code == .invalidKey)
        #expect(error.description.contains("malformed and cannot be read"))
        for line in text.split(separator: "\n") where !line.hasPrefix("-----") {
            #expect(!error.description.contains(line))
        }
    }
}
