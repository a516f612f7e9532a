import Foundation
import Testing

@testable import Provisioner

/// When `watch` renews: `renew_before` ahead of expiry, or at 80 % of the
/// lifetime when `renew_before` does not fit, always a little early, never late.
@Suite("watch renewal timing and backoff")
struct RenewalTimingTests {
    let issued = Date(timeIntervalSince1970: 1_800_000_000)

    func client(_ name: String = "billing", renewBefore: Duration) -> ClientDefinition {
        var settings = Defaults.builtIn.settings
        settings.renewBefore = renewBefore
        return ClientDefinition(
            name: name, issuerName: "corp", clientID: name, auth: ClientAuthDefinition(method: .none), settings: settings,
            fingerprint: "f1", location: SourceLocation(file: "m.yaml", line: 1, column: 1))
    }

    func entry(_ name: String = "billing", lifetime: Int?) -> TokenState.Entry {
        TokenState.Entry(
            token: IssuedToken(
                clientName: name, issuer: "https://sso", clientID: name, accessToken: "tok-never-shown", tokenType: "Bearer",
                expiresIn: lifetime, expiresAt: lifetime.map { issued.addingTimeInterval(Double($0)) }, scope: nil, issuedAt: issued),
            fingerprint: "f1")
    }

    @Test("renew_before shorter than the lifetime: renewed that long before expiry, at most 30 s earlier")
    func renewBeforeFits() throws {
        let due = try #require(RenewalTiming.renewalDate(of: client(renewBefore: .seconds(600)), entry: entry(lifetime: 3600)))
        let lead = issued.addingTimeInterval(3600).timeIntervalSince(due)
        #expect(lead >= 600 && lead <= 630)
    }

    @Test("renew_before not shorter than the lifetime: renewed after 80 % of it, up to a tenth of the rest earlier")
    func fractionOfLifetime() throws {
        let due = try #require(RenewalTiming.renewalDate(of: client(renewBefore: .seconds(600)), entry: entry(lifetime: 300)))
        let elapsed = due.timeIntervalSince(issued)
        #expect(elapsed <= 240 && elapsed >= 234)
        // Never at or after expiry, however short the token.
        let short = try #require(RenewalTiming.renewalDate(of: client(renewBefore: .seconds(600)), entry: entry(lifetime: 1)))
        #expect(short < issued.addingTimeInterval(1))
    }

    @Test("jitter spreads a fleet issued together and is stable per client and token")
    func jitter() throws {
        let dues = try (0..<50).map { number in
            try #require(
                RenewalTiming.renewalDate(of: client("c\(number)", renewBefore: .seconds(600)), entry: entry("c\(number)", lifetime: 3600)))
        }
        #expect(Set(dues).count > 40)
        let again = RenewalTiming.renewalDate(of: client("c0", renewBefore: .seconds(600)), entry: entry("c0", lifetime: 3600))
        #expect(again == dues[0])
    }

    @Test("decisions: no token, a changed definition or an expired one grant; before the due time it is kept")
    func decisions() {
        let billing = client(renewBefore: .seconds(60))
        #expect(RenewalTiming.decide(client: billing, cached: nil, now: issued) == .grant(reason: "no cached token"))
        var changed = entry(lifetime: 3600)
        changed.fingerprint = "f2"
        #expect(RenewalTiming.decide(client: billing, cached: changed, now: issued) == .grant(reason: "the client's definition changed"))
        let fresh = entry(lifetime: 3600)
        guard case .skip = RenewalTiming.decide(client: billing, cached: fresh, now: issued) else {
            Issue.record("a fresh token must be kept")
            return
        }
        guard case .grant = RenewalTiming.decide(client: billing, cached: fresh, now: issued.addingTimeInterval(3545)) else {
            Issue.record("a token within renew_before must be renewed")
            return
        }
        #expect(
            RenewalTiming.decide(client: billing, cached: fresh, now: issued.addingTimeInterval(3601))
                == .grant(reason: "the cached token has expired"))
        // No expiry known: kept, never renewed on a clock.
        guard case .skip = RenewalTiming.decide(client: billing, cached: entry(lifetime: nil), now: issued) else {
            Issue.record("a token without expiry must be kept")
            return
        }
    }

    @Test("backoff doubles from the first wait to the cap, half fixed and half random")
    func backoff() {
        let policy = WatchBackoff(initial: .seconds(1), maximum: .seconds(60))
        var generator = SystemRandomNumberGenerator()
        for (failures, ceiling) in [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (40, 60)] {
            for _ in 0..<20 {
                let wait = policy.delay(afterFailures: failures, using: &generator)
                #expect(wait >= .seconds(ceiling) / 2 && wait <= .seconds(ceiling), "after \(failures) failures: \(wait)")
            }
        }
    }
}
