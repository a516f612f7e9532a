import Crypto
import Foundation
import Testing
import _CryptoExtras
@testable import OAuthClient

@Suite("Signing keys and JWS")
struct SigningKeyTests {
    @Test("PEM formats load and derive their algorithm")
    func pemFormats() throws {
        #expect(try SigningKey(pem: KeyFixtures.ec256SEC1).algorithm == .es256)
        #expect(try SigningKey(pem: KeyFixtures.ec256PKCS8).algorithm == .es256)
        #expect(try SigningKey(pem: KeyFixtures.ec384SEC1).algorithm == .es384)
        #expect(try SigningKey(pem: KeyFixtures.rsa2048PKCS1).algorithm == .rs256)
        #expect(try SigningKey(pem: KeyFixtures.ed25519PKCS8).algorithm == .edDSA)
        #expect(try SigningKey(pem: KeyFixtures.ed25519PKCS8, algorithm: .ed25519).algorithm == .ed25519)
        #expect(try SigningKey(pem: KeyFixtures.rsa2048PKCS1, algorithm: .ps384).algorithm == .ps384)
        #expect(try SigningKey(pem: P384.Signing.PrivateKey().pemRepresentation).algorithm == .es384)
        #expect(try SigningKey(pem: P521.Signing.PrivateKey().pemRepresentation).algorithm == .es512)
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(try SigningKey(pem: rsa.pkcs8PEMRepresentation).algorithm == .rs256)
    }

    @Test(
        "a key file that is not a key is refused with invalidKey",
        arguments: [
            "hello", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "{\"kty\":\"EC\"}", "[1]",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
        ])
    func notAKey(text: String) {
        #expect {
            try SigningKey(text: text)
        } throws: { error in
            (error as? OAuthClientError)?.code == .invalidKey
        }
    }

    @Test("RSA keys under 2048 bits are refused with weakKey")
    func weakRSA() throws {
        let error = try #require(throws: OAuthClientError.self) { try SigningKey(pem: KeyFixtures.rsa1024PKCS8) }
        #expect(error.code == .weakKey)
        #expect(error.description.contains("1024"))
    }

    @Test("an algorithm that does not match the key is refused with algorithmMismatch")
    func mismatch() throws {
        for (pem, algorithm) in [
            (KeyFixtures.ec256SEC1, JWSAlgorithm.es384), (KeyFixtures.ec256SEC1, .rs256), (KeyFixtures.rsa2048PKCS1, .es256),
            (KeyFixtures.ed25519PKCS8, .es256), (KeyFixtures.rsa2048PKCS1, .hs256),
        ] {
            let error = try #require(throws: OAuthClientError.self) { try SigningKey(pem: pem, algorithm: algorithm) }
            #expect(error.code == .algorithmMismatch)
        }
    }

    @Test("private JWKs load for EC, OKP, RSA and oct; kid and alg are taken from the JWK")
    func jwk() throws {
        let ec = P256.Signing.PrivateKey()
        let x963 = Array(ec.publicKey.x963Representation)
        let ecJWK =
            #"{"kty":"EC","crv":"P-256","kid":"k1","d":"\#(b64(ec.rawRepresentation))","x":"\#(b64(x963[1...32]))","y":"\#(b64(x963[33...]))"}"#
        let ecKey = try SigningKey(text: ecJWK)
        #expect(ecKey.algorithm == .es256)
        #expect(ecKey.keyID == "k1")
        #expect(ecKey.publicJWK?["x"] == b64(x963[1...32]))

        let ed = Curve25519.Signing.PrivateKey()
        let edKey = try SigningKey(
            jwk:
                #"{"kty":"OKP","crv":"Ed25519","alg":"Ed25519","d":"\#(b64(ed.rawRepresentation))","x":"\#(b64(ed.publicKey.rawRepresentation))"}"#
        )
        #expect(edKey.algorithm == .ed25519)

        let oct = try SigningKey(jwk: #"{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0","alg":"HS384"}"#)
        #expect(oct.algorithm == .hs384)

        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let publicOnly = #"{"kty":"RSA","n":"\#(b64(primitives.modulus))","e":"\#(b64(primitives.publicExponent))"}"#
        #expect(throws: OAuthClientError.self) { try SigningKey(jwk: publicOnly) }

        let wrongX =
            #"{"kty":"EC","crv":"P-256","d":"\#(b64(ec.rawRepresentation))","x":"\#(b64(x963[33...]))","y":"\#(b64(x963[1...32]))"}"#
        #expect(throws: OAuthClientError.self) { try SigningKey(jwk: wrongX) }
        let weak = #"{"kty":"RSA","n":"\#(b64([UInt8](repeating: 0xFF, count: 128)))","e":"AQAB","d":"AQAB"}"#
        let error = try #require(throws: OAuthClientError.self) { try SigningKey(jwk: weak) }
        #expect(error.code == .weakKey)
    }

    @Test("signatures verify: ES raw r||s, RS PKCS#1 v1.5, PS PSS, EdDSA, HS")
    func signaturesVerify() throws {
        let ec = P256.Signing.PrivateKey()
        let ecKey = try SigningKey(pem: ec.pemRepresentation)
        let input = Array("header.payload".utf8)
        let ecSignature = try ecKey.sign(input)
        #expect(ecSignature.count == 64)
        #expect(ec.publicKey.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: ecSignature), for: input))

        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        for (algorithm, padding) in [(JWSAlgorithm.rs256, _RSA.Signing.Padding.insecurePKCS1v1_5), (.ps256, .PSS)] {
            let key = try SigningKey(pem: rsa.pkcs8PEMRepresentation, algorithm: algorithm)
            let signature = try key.sign(input)
            #expect(
                rsa.publicKey.isValidSignature(
                    _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input), padding: padding))
        }

        let ed = Curve25519.Signing.PrivateKey()
        let edKey = try SigningKey(jwk: #"{"kty":"OKP","crv":"Ed25519","d":"\#(b64(ed.rawRepresentation))"}"#)
        #expect(ed.publicKey.isValidSignature(try edKey.sign(input), for: input))

        let hmac = try SigningKey(hmacSecret: Array("secret".utf8), algorithm: .hs512)
        #expect(try hmac.sign(input) == Array(HMAC<SHA512>.authenticationCode(for: input, using: SymmetricKey(data: Array("secret".utf8)))))
    }

    @Test("client assertions: claims, header with kid and thumbprints, fresh jti every time")
    func assertion() throws {
        let certificateDER: [UInt8] = Array("not really a certificate".utf8)
        let thumbprint = CertificateThumbprint(certificateDER: certificateDER, headers: [.sha256, .sha1])
        let key = try SigningKey(pem: KeyFixtures.ec256SEC1, keyID: "kid-1")
        let config = Configuration(
            serverMetadata: ServerMetadata(issuer: "https://as.example/t", tokenEndpoint: URL(string: "https://as.example/t/token")),
            clientID: "svc\"1",
            clientAuthentication: .privateKeyJWT(key, options: .init(audience: .tokenEndpoint, certificateThumbprint: thumbprint))
        )
        let first = try ClientAssertion.make(config.prepared, key: key, now: 1_700_000_000)
        let second = try ClientAssertion.make(config.prepared, key: key, now: 1_700_000_000)
        #expect(first != second)
        let parts = first.split(separator: ".").map(String.init)
        #expect(parts.count == 3)
        let header = try JSONValue(parsing: try #require(Base64URL.decode(parts[0]))).objectValue ?? [:]
        #expect(header["alg"] == .string("ES256"))
        #expect(header["kid"] == .string("kid-1"))
        #expect(header["x5t#S256"] == .string(Base64URL.encode(Array(SHA256.hash(data: certificateDER)))))
        #expect(header["x5t"] == .string(Base64URL.encode(Array(Insecure.SHA1.hash(data: certificateDER)))))
        let claims = try JSONValue(parsing: try #require(Base64URL.decode(parts[1]))).objectValue ?? [:]
        #expect(claims["iss"] == .string("svc\"1"))
        #expect(claims["sub"] == .string("svc\"1"))
        #expect(claims["aud"] == .string("https://as.example/t/token"))
        #expect(claims["iat"] == .number(1_700_000_000))
        #expect(claims["nbf"] == .number(1_700_000_000))
        #expect(claims["exp"] == .number(1_700_000_060))
        #expect((Base64URL.decode(claims["jti"]?.stringValue ?? "")?.count ?? 0) >= 16)
    }

    @Test("DPoP proof: typ, alg, public jwk only; htm, htu without query, iat, jti, nonce when known")
    func dpopProof() throws {
        let handle = try DPoPHandle.generate(.es256)
        let endpoint = try Endpoint(
            try #require(URL(string: "https://AS.example:443/token?x=1#f")), allowInsecureHTTP: false, role: "token endpoint")
        #expect(endpoint.origin == "https://as.example")
        handle.remember(nonce: "n-1", forOrigin: endpoint.origin)
        let proof = try handle.proof(method: "POST", endpoint: endpoint, now: 42)
        let parts = proof.split(separator: ".").map(String.init)
        let header = try JSONValue(parsing: try #require(Base64URL.decode(parts[0]))).objectValue ?? [:]
        #expect(header["typ"] == .string("dpop+jwt"))
        #expect(header["alg"] == .string("ES256"))
        let jwk = try #require(header["jwk"]?.objectValue)
        #expect(Set(jwk.keys) == ["kty", "crv", "x", "y"])
        let claims = try JSONValue(parsing: try #require(Base64URL.decode(parts[1]))).objectValue ?? [:]
        #expect(claims["htm"] == .string("POST"))
        #expect(claims["htu"] == .string("https://AS.example:443/token"))
        #expect(claims["iat"] == .number(42))
        #expect(claims["nonce"] == .string("n-1"))
        #expect(claims["jti"] != nil)
        #expect(throws: OAuthClientError.self) { try DPoPHandle(key: SigningKey(hmacSecret: [1, 2, 3])) }
        for algorithm in [JWSAlgorithm.es384, .edDSA, .rs256, .ps256] {
            #expect(try DPoPHandle.generate(algorithm).key.algorithm == algorithm)
        }
    }

    private func b64(_ bytes: some Collection<UInt8>) -> String { Base64URL.encode(Array(bytes)) }
}
