import Foundation
import Testing
@testable import Provisioner

@Suite("Renewal decisions")
struct RenewalPlanTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func client(renewBefore: Duration = .seconds(600), fingerprint: String = "f1") -> ClientDefinition {
        var settings = Defaults.builtIn.settings
        settings.renewBefore = renewBefore
        return ClientDefinition(
            name: "billing", issuerName: "corp", clientID: "billing-svc", auth: ClientAuthDefinition(method: .none),
            settings: settings, fingerprint: fingerprint, location: SourceLocation(file: "m.yaml", line: 1, column: 1))
    }

    func cached(expiresIn seconds: Double?, fingerprint: String = "f1") -> TokenState.Entry {
        TokenState.Entry(
            fingerprint: fingerprint, issuer: "https://sso", clientID: "billing-svc", accessToken: "tok-xyz-never-shown", tokenType: "Bearer",
            expiresIn: seconds.map { Int($0) }, expiresAt: seconds.map { now.addingTimeInterval($0) }, scope: nil, issuedAt: now)
    }

    @Test("a valid token beyond renew_before is skipped; inside it, expired or changed is granted")
    func decisions() {
        #expect(RenewalPlan.decide(client: client(), cached: cached(expiresIn: 3600), force: false, now: now)
            == .skip(reason: "the cached token stays valid for 1h"))
        #expect(RenewalPlan.decide(client: client(), cached: cached(expiresIn: 300), force: false, now: now)
            == .grant(reason: "the cached token expires in 5m, within renew_before"))
        #expect(RenewalPlan.decide(client: client(), cached: cached(expiresIn: -5), force: false, now: now)
            == .grant(reason: "the cached token has expired"))
        #expect(RenewalPlan.decide(client: client(), cached: nil, force: false, now: now) == .grant(reason: "no cached token"))
        #expect(RenewalPlan.decide(client: client(), cached: cached(expiresIn: 3600, fingerprint: "old"), force: false, now: now)
            == .grant(reason: "the client's definition changed"))
        #expect(RenewalPlan.decide(client: client(), cached: cached(expiresIn: nil), force: false, now: now)
            == .grant(reason: "the cached token has no known expiry"))
        #expect(RenewalPlan.decide(client: client(), cached: cached(expiresIn: 3600), force: true, now: now) == .grant(reason: "--force"))
        #expect(RenewalPlan.decide(client: client(renewBefore: .seconds(7200)), cached: cached(expiresIn: 3600), force: false, now: now)
            == .grant(reason: "the cached token expires in 1h, within renew_before"))
    }

    @Test("the state file round-trips and never shows a token in descriptions")
    func stateFile() throws {
        let state = TokenState(clients: ["billing": cached(expiresIn: 3600)])
        let bytes = try state.encoded()
        #expect(try TokenState.decode(bytes) == state)
        #expect(try state.encoded() == bytes, "encoding is not stable")
        #expect(!"\(state.clients["billing"]!)".contains("tok-xyz-never-shown"))
        #expect(throws: StateFileError.self) { try TokenState.decode(Array(#"{"version": 2, "clients": {}}"#.utf8)) }
    }

    @Test("the hand-written state file is JSON any reader takes, with awkward strings and absent optionals")
    func stateFileIsPlainJSON() throws {
        var odd = cached(expiresIn: 60)
        odd.scope = "a \"b\" \\ c\n\u{1}\u{2028} é 🔑"
        odd.expiresAt = nil
        odd.expiresIn = nil
        odd.outputsDigest = nil
        let state = TokenState(clients: ["billing": cached(expiresIn: 3600), "wëird \"name\"": odd])
        let bytes = try state.encoded()
        #expect(try TokenState.decode(bytes) == state)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        let clients = try #require(object["clients"] as? [String: [String: Any]])
        #expect(clients["wëird \"name\""]?["scope"] as? String == odd.scope)
        #expect(clients["wëird \"name\""]?["expiresAt"] == nil)
        #expect(clients["billing"]?["expiresIn"] as? Int == 3600)
    }
}
