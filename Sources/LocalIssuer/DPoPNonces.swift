internal import NIOConcurrencyHelpers
internal import OAuthClient

/// The server-provided DPoP nonces (RFC 9449 §8): one current value, rotated on a timer.
///
/// The previous nonce stays valid for one more period so a client that just learnt
/// it is not bounced during rotation.
final class DPoPNonces: Sendable {
    private struct State {
        var current: String
        var previous: String?
        var rotatedAt: Double
    }

    private let rotationInterval: Double
    private let state: NIOLockedValueBox<State>

    init(rotationInterval: Double = 300, now: Double) {
        self.rotationInterval = rotationInterval
        self.state = NIOLockedValueBox(State(current: RandomToken.make(byteCount: 18), previous: nil, rotatedAt: now))
    }

    /// The nonce to send now.
    func current(now: Double) -> String {
        state.withLockedValue { state in
            if now - state.rotatedAt >= rotationInterval {
                state.previous = state.current
                state.current = RandomToken.make(byteCount: 18)
                state.rotatedAt = now
            }
            return state.current
        }
    }

    /// Whether `nonce` is the current or the previous nonce.
    func isValid(_ nonce: String, now: Double) -> Bool {
        let current = current(now: now)
        return state.withLockedValue { nonce == current || nonce == $0.previous }
    }
}

/// Random identifiers and opaque tokens.
enum RandomToken {
    /// `byteCount` random bytes from the system generator, base64url-encoded.
    static func make(byteCount: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount + 8)
        while bytes.count < byteCount {
            var word = generator.next()
            withUnsafeBytes(of: &word) { bytes.append(contentsOf: $0) }
        }
        return Base64URL.encode(bytes.prefix(byteCount))
    }
}
