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
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: message) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
