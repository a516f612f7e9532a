import SwiftASN1

/// The few fields of a private key's DER that tell its kind apart, read with
/// SwiftASN1; swift-crypto then loads the whole DER itself.
enum PrivateKeyDER {
    /// `rsaEncryption` (PKCS#1).
    static let rsaEncryption = ASN1ObjectIdentifier.AlgorithmIdentifier.rsaEncryption
    /// `id-ecPublicKey` (RFC 5480).
    static let ecPublicKey = ASN1ObjectIdentifier.AlgorithmIdentifier.idEcPublicKey
    /// `id-Ed25519` (RFC 8410).
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]

    /// A PKCS#8 `PrivateKeyInfo` (RFC 5958): the algorithm, its named curve if
    /// the parameters are one, and the inner private key.
    struct PKCS8: DERParseable {
        let algorithm: ASN1ObjectIdentifier
        let curve: ASN1ObjectIdentifier?
        /// The `privateKey` octets: PKCS#1, SEC1 or an Ed25519 `CurvePrivateKey`.
        let privateKey: ArraySlice<UInt8>

        init(derEncoded node: ASN1Node) throws {
            (algorithm, curve, privateKey) = try DER.sequence(node, identifier: .sequence) { nodes in
                _ = try Int(derEncoded: &nodes)
                guard let identifier = nodes.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "PrivateKeyInfo without an algorithm")
                }
                let (algorithm, curve) = try DER.sequence(identifier, identifier: .sequence) { fields in
                    let algorithm = try ASN1ObjectIdentifier(derEncoded: &fields)
                    let parameters = fields.next()
                    return (algorithm, parameters.flatMap { try? ASN1ObjectIdentifier(derEncoded: $0) })
                }
                let privateKey = try ASN1OctetString(derEncoded: &nodes)
                // Attributes and the public key are of no interest here.
                while nodes.next() != nil {}
                return (algorithm, curve, privateKey.bytes)
            }
        }
    }

    /// A SEC1 `ECPrivateKey` (RFC 5915): the scalar and the `[0]` named curve, if given.
    struct SEC1: DERParseable {
        let scalar: ArraySlice<UInt8>
        let curve: ASN1ObjectIdentifier?

        init(derEncoded node: ASN1Node) throws {
            (scalar, curve) = try DER.sequence(node, identifier: .sequence) { nodes in
                _ = try Int(derEncoded: &nodes)
                let scalar = try ASN1OctetString(derEncoded: &nodes)
                // Explicit curve parameters (not a named curve) leave the curve to the scalar's length.
                let curve = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                    try? ASN1ObjectIdentifier(derEncoded: node)
                }
                while nodes.next() != nil {}
                return (scalar.bytes, curve ?? nil)
            }
        }
    }

    /// A PKCS#1 `RSAPrivateKey` (RFC 8017), read only for its modulus.
    struct PKCS1: DERParseable {
        /// The modulus, big-endian.
        let modulus: ArraySlice<UInt8>

        init(derEncoded node: ASN1Node) throws {
            modulus = try DER.sequence(node, identifier: .sequence) { nodes in
                _ = try Int(derEncoded: &nodes)
                let modulus = try ArraySlice<UInt8>(derEncoded: &nodes)
                while nodes.next() != nil {}
                return modulus
            }
        }
    }
}
