package import Foundation

/// When `watch` renews a client's token.
///
/// A token is renewed `renew_before` ahead of its expiry. Where
/// `renew_before` is not shorter than the token's lifetime (a 10-minute
/// default against a 5-minute token, say), it is renewed once 80 % of the
/// lifetime has passed instead, as kubelet does for projected tokens. A small
/// per-client jitter, never more than a tenth of that lead or 30 seconds,
/// moves the time earlier, so clients issued together do not all renew in
/// one burst.
package enum RenewalTiming {
    /// The part of a token's lifetime that passes before it is renewed when
    /// `renew_before` does not fit inside the lifetime.
    package static let lifetimeFraction = 0.8

    /// When the token in `entry` should be renewed; nil when it has no known
    /// expiry (it is kept until the definition changes or the process restarts).
    package static func renewalDate(of client: ClientDefinition, entry: TokenState.Entry) -> Date? {
        guard let expiresAt = entry.expiresAt else { return nil }
        let lifetime = max(0, expiresAt.timeIntervalSince(entry.issuedAt))
        let renewBefore = client.settings.renewBefore.secondsDouble
        let lead = renewBefore < lifetime ? renewBefore : lifetime * (1 - lifetimeFraction)
        let jitter = min(lead * 0.1, 30) * jitterFraction(client.name, issuedAt: entry.issuedAt)
        return expiresAt.addingTimeInterval(-(lead + jitter))
    }

    /// `watch`'s decision for one client at `now`: grant when nothing usable
    /// is cached (none, another definition, expired) or its renewal time has come.
    package static func decide(client: ClientDefinition, cached: TokenState.Entry?, now: Date) -> RenewalPlan.Decision {
        guard let cached else { return .grant(reason: "no cached token") }
        guard cached.fingerprint == client.fingerprint else { return .grant(reason: "the client's definition changed") }
        guard cached.isValid(at: now) else { return .grant(reason: "the cached token has expired") }
        guard let due = renewalDate(of: client, entry: cached) else { return .skip(reason: "the cached token has no known expiry") }
        if due <= now {
            let left = cached.expiresAt.map { $0.timeIntervalSince(now) } ?? 0
            return .grant(reason: "the token expires in \(DurationText.format(seconds: left))")
        }
        return .skip(reason: "renewal due in \(DurationText.format(seconds: due.timeIntervalSince(now)))")
    }

    /// A stable number in 0..<1 for a client's token: the same client and
    /// token always get the same jitter, different clients spread out.
    static func jitterFraction(_ name: String, issuedAt: Date) -> Double {
        // FNV-1a over the name and the issue second.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        var second = UInt64(bitPattern: Int64(issuedAt.timeIntervalSince1970.rounded(.down)))
        for _ in 0..<8 {
            hash = (hash ^ (second & 0xff)) &* 0x100_0000_01b3
            second >>= 8
        }
        return Double(hash >> 11) / Double(UInt64(1) << 53)
    }
}
