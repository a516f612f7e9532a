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
            token: IssuedToken(
                clientName: "billing", issuer: "https://sso", clientID: "billing-svc", accessToken: "tok-xyz-never-shown",
                tokenType: "Bearer", expiresIn: seconds.map { Int($0) }, expiresAt: seconds.map { now.addingTimeInterval($0) },
                scope: nil, issuedAt: now),
            fingerprint: fingerprint)
    }

    @Test("a valid token beyond renew_before is skipped; inside it, expired or changed is granted")
    func decisions() {
        #expect(
            RenewalPlan.decide(client: client(), cached: cached(expiresIn: 3600), force: false, now: now)
                == .skip(reason: "the cached token stays valid for 1h"))
        #expect(
            RenewalPlan.decide(client: client(), cached: cached(expiresIn: 300), force: false, now: now)
                == .grant(reason: "the cached token expires in 5m, within renew_before"))
        #expect(
            RenewalPlan.decide(client: client(), cached: cached(expiresIn: -5), force: false, now: now)
                == .grant(reason: "the cached token has expired"))
        #expect(RenewalPlan.decide(client: client(), cached: nil, force: false, now: now) == .grant(reason: "no cached token"))
        #expect(
            RenewalPlan.decide(client: client(), cached: cached(expiresIn: 3600, fingerprint: "old"), force: false, now: now)
                == .grant(reason: "the client's definition changed"))
        #expect(
            RenewalPlan.decide(client: client(), cached: cached(expiresIn: nil), force: false, now: now)
                == .grant(reason: "the cached token has no known expiry"))
        #expect(RenewalPlan.decide(client: client(), cached: cached(expiresIn: 3600), force: true, now: now) == .grant(reason: "--force"))
        #expect(
            RenewalPlan.decide(client: client(renewBefore: .seconds(7200)), cached: cached(expiresIn: 3600), force: false, now: now)
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
        odd.token.clientName = "wëird \"name\""
        odd.token.scope = "a \"b\" \\ c\n\u{1}\u{2028} é 🔑"
        odd.token.expiresAt = nil
        odd.token.expiresIn = nil
        odd.outputsDigest = nil
        let state = TokenState(clients: ["billing": cached(expiresIn: 3600), "wëird \"name\"": odd])
        let bytes = try state.encoded()
        #expect(try TokenState.decode(bytes) == state)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        let clients = try #require(object["clients"] as? [String: [String: Any]])
        #expect(clients["wëird \"name\""]?["scope"] as? String == odd.token.scope)
        #expect(clients["wëird \"name\""]?["expiresAt"] == nil)
        #expect(clients["billing"]?["expiresIn"] as? Int == 3600)
    }

    @Test("the outputs digest keeps its value, so an upgrade does not rewrite every skipped client's files")
    func outputsDigestIsStable() {
        let outputs = [
            OutputSpec(
                format: .env(EnvOptions(prefix: "BILLING_", flavor: .shell)), path: "/tmp/x/out/billing.env", mode: 0o640,
                keys: ["access_token": "TOKEN"]),
            OutputSpec(format: .json, path: "/tmp/x/out/all.json"),
            OutputSpec(
                format: .kubernetesSecret(KubernetesSecretOptions(name: "billing-token", labels: ["team": "payments", "b": "2"])),
                path: "/tmp/x/out/s.yaml", keys: ["scope": "SC", "expires_at": "EXP"]),
        ]
        // sha256 of the documented text, computed outside Swift.
        #expect(OutputStage.outputsDigest(outputs) == "28c1124da906edaeb555ad75050c624ffe137ab4252c76de31822a17f42cdc96")
    }

    @Test("a damaged state file is refused with a message naming the entry and member; unknown members are skipped")
    func damagedStateFile() throws {
        func message(_ text: String) -> String? {
            do {
                _ = try TokenState.decode(Array(text.utf8))
                return nil
            } catch let error as StateFileError {
                return error.message
            } catch {
                return "unexpected \(type(of: error))"
            }
        }
        let entry = #"{"fingerprint":"f","issuer":"i","clientID":"c","accessToken":"secret-token-value","tokenType":"Bearer","issuedAt":1}"#
        #expect(message(#"[1]"#) == "it holds a JSON array, not an object")
        #expect(message(#"{"clients":{}}"#) == "it has no `version` number")
        #expect(message(#"{"version":"1","clients":{}}"#) == "it has no `version` number")
        #expect(message(#"{"version":1}"#) == "it has no `clients` object")
        #expect(message(#"{"version":1,"clients":{"a":[]}}"#) == "the entry of a is a JSON array, not an object")
        #expect(message(#"{"version":1,"clients":{"a":\#(entry),"a":\#(entry)}}"#) == "the entry of a is there twice")
        #expect(message(#"{"version":1,"clients":{"a":{"issuer":"i"}}}"#) == "the entry of a has no `issuedAt` number")
        #expect(message(#"{"version":1,"clients":{"a":{"issuedAt":1,"issuer":"i"}}}"#) == "the entry of a has no `fingerprint` string")
        #expect(message(#"{"version":1,"clients":{"a":{"issuer":1}}}"#) == "the entry of a has no `issuer` string")
        #expect(message(#"{"version":1,"clients":{"a":{"scope":2}}}"#) == "`scope` of the entry of a is a number, not a string")
        #expect(
            message(#"{"version":1,"clients":{"a":{"expiresAt":"soon"}}}"#) == "`expiresAt` of the entry of a is a string, not a number")
        #expect(message(#"{"version":1,"clients":{"a":{"issuer":"i","issuer":"j"}}}"#) == "the entry of a has `issuer` twice")
        #expect(message(#"{"version":1,"clients":{"a":\#(entry)}} x"#)?.contains("unexpected data after the JSON value") == true)
        #expect(message(#"{"version":1,"clients":{"a":{"issuedAt":1"#)?.contains("end of input") == true)
        for text in [#"{"version":1,"clients":{"a":\#(entry)}}"#, #"{"version":1,"clients":{"a":\#(entry)}} x"#] {
            #expect(message(text)?.contains("secret-token-value") != true, "a message repeats the token")
        }

        let tolerant =
            #"{"note":{"any":[1,{"x":null}]},"version":1,"clients":{"a":{"future":true,"scope":null,"expiresIn":60,"#
            + #""fingerprint":"f","issuer":"i","clientID":"c","accessToken":"t","tokenType":"Bearer","issuedAt":1}}}"#
        let state = try TokenState.decode(Array(tolerant.utf8))
        let read = try #require(state.clients["a"])
        #expect(
            read.token.scope == nil && read.token.expiresIn == 60 && read.expiresAt == nil
                && read.issuedAt == Date(timeIntervalSince1970: 1))
    }
}
