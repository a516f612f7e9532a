package import Foundation

/// Decides, per client, whether to request a token now or keep the cached one.
///
/// A client is skipped only when its cached token was obtained with the same
/// definition (fingerprint) and stays valid longer than its `renew_before`.
package enum RenewalPlan {
    /// Grant now, or keep the cached token; the reason is shown to people.
    package enum Decision: Equatable, Sendable {
        /// Request a new token.
        case grant(reason: String)
        /// Keep the cached token.
        case skip(reason: String)
    }

    /// `run`'s decision: grant when forced, when nothing usable is cached,
    /// or when the cached token expires within `renew_before`.
    package static func decide(client: ClientDefinition, cached: TokenState.Entry?, force: Bool, now: Date) -> Decision {
        if force { return .grant(reason: "--force") }
        guard let cached else { return .grant(reason: "no cached token") }
        guard cached.fingerprint == client.fingerprint else { return .grant(reason: "the client's definition changed") }
        guard let expiresAt = cached.expiresAt else {
            return .grant(reason: "the cached token has no known expiry")
        }
        let left = expiresAt.timeIntervalSince(now)
        let window = client.settings.renewBefore.secondsDouble
        if left <= 0 { return .grant(reason: "the cached token has expired") }
        if left <= window {
            return .grant(reason: "the cached token expires in \(DurationText.format(seconds: left)), within renew_before")
        }
        return .skip(reason: "the cached token stays valid for \(DurationText.format(seconds: left))")
    }
}

extension DurationText {
    /// A short human duration from seconds: `45s`, `12m`, `3h5m`.
    static func format(seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded()))
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" }
        let minutes = (total % 3600) / 60
        return minutes == 0 ? "\(total / 3600)h" : "\(total / 3600)h\(minutes)m"
    }
}
