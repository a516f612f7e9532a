import Crypto

/// SHA-256 as lower-case hex, for fingerprints of client definitions and of
/// secret and key files (never the values themselves).
///
/// Backed by swift-crypto (BoringSSL), which is already linked through
/// OAuthClient and is several times faster than a hand-written digest on the
/// 10,000-client manifests the benchmarks load.
enum SHA256Digest {
    /// The raw 32-byte digest.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: message))
    }

    /// The digest as 64 lower-case hex characters.
    static func hex(of message: [UInt8]) -> String {
        let digest = SHA256.hash(data: message)
        return String(unsafeUninitializedCapacity: 64) { out in
            digest.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    out[2 * index] = hexDigit(byte >> 4)
                    out[2 * index + 1] = hexDigit(byte & 0x0F)
                }
            }
            return 64
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
