import Foundation
import Provisioner
import Testing

/// What the manifest alone shows an output cannot write is a `validate`
/// error at the output's place, before any token is requested.
@Suite("Manifest: output checks before the first request")
struct ManifestOutputChecksTests {
    static let header = "version: 1\nissuers:\n  corp: {issuer: https://sso.example.com}\nclients:\n"

    static func client(_ name: String, scope: String = "", outputs: String = "") -> String {
        "  - {name: \(name), issuer: corp, client_id: \(name), auth: {method: none}"
            + (scope.isEmpty ? "" : ", scope: [\(scope)]") + (outputs.isEmpty ? "" : ", outputs: [\(outputs)]") + "}\n"
    }

    func lines(_ text: String) throws -> [String] {
        ManifestTestSupport.lines(ManifestTestSupport.load(text, in: try ManifestTestSupport.temporaryFolder()))
    }

    @Test("docker env with include_scope cannot carry several requested scopes; shell can, and one scope is fine")
    func scopeInDockerEnv() throws {
        let text =
            Self.header
            + Self.client(
                "many", scope: "read, write",
                outputs: "{env: many.env, include_scope: true}, {env: many.sh, flavor: shell, include_scope: true}")
            + Self.client("one", scope: "read", outputs: "{env: one.env, include_scope: true}")
            + Self.client("other", scope: "read, write")
            + "outputs:\n  - {env: all.env, include_scope: true, prefix: T_}\n"
        let found = try lines(text)
        #expect(
            found == [
                "5:109: error: output `many.env` (client `many`): `SCOPE` would hold the 2 requested scopes joined by spaces, which contains a space; docker --env-file cannot carry it (it keeps quotes and has no escapes); use flavor: shell or dotenv",
                "9:11: error: output `all.env` (client `many`): `T_MANY_SCOPE` would hold the 2 requested scopes joined by spaces, which contains a space; docker --env-file cannot carry it (it keeps quotes and has no escapes); use flavor: shell or dotenv",
                "9:11: error: output `all.env` (client `other`): `T_OTHER_SCOPE` would hold the 2 requested scopes joined by spaces, which contains a space; docker --env-file cannot carry it (it keeps quotes and has no escapes); use flavor: shell or dotenv",
            ])
    }

    @Test("aggregate env: client names that give the same keys, and a name that gives no valid key")
    func aggregateEnvKeys() throws {
        let text =
            Self.header + Self.client("a-b") + Self.client("a.b") + Self.client("9lives")
            + "outputs:\n  - {env: all.env}\n  - {env: prefixed.env, prefix: APP_}\n"
        let found = try lines(text)
        #expect(
            found == [
                "9:11: error: output `all.env` (client `9lives`): the key `9LIVES_ACCESS_TOKEN` made from the client name does not match [A-Z_][A-Z0-9_]*; set a `prefix` such as `APP_` on this output, since the client name starts with a digit",
                "9:11: error: output `all.env` (client `a.b`): clients `a-b` and `a.b` would both write `A_B_ACCESS_TOKEN` in this file; `-` and `.` in client names both become `_`; rename one of the clients or the keys in `keys`",
                "10:11: error: output `prefixed.env` (client `a.b`): clients `a-b` and `a.b` would both write `APP_A_B_ACCESS_TOKEN` in this file; `-` and `.` in client names both become `_`; rename one of the clients or the keys in `keys`",
            ])
    }

    @Test("aggregate env: a renamed key that makes one client's key another's")
    func aggregateEnvKeysThroughRenames() throws {
        let text =
            Self.header + Self.client("a") + Self.client("a-b")
            + "outputs:\n  - {env: all.env, keys: {access_token: B_TOKEN, token_type: TOKEN}}\n"
        let found = try lines(text)
        #expect(
            found == [
                "8:11: error: output `all.env` (client `a-b`): clients `a` and `a-b` would both write `A_B_TOKEN` in this file; `-` and `.` in client names both become `_`; rename one of the clients or the keys in `keys`"
            ])
    }

    @Test("keys that meet after renames, per format; a rename onto a dropped key is fine")
    func renamesThatMeet() throws {
        let text =
            Self.header
            + Self.client(
                "c",
                outputs: """
                    {kubernetes_secret: c.yaml, keys: {access_token: token, token_type: token}}, \
                    {json: c.json, keys: {scope: issuer}}, \
                    {env: c.env, keys: {token_type: ACCESS_TOKEN}}, \
                    {env: ok.env, keys: {expires_at: ~, token_type: EXPIRES_AT}}, \
                    {env: scope.env, keys: {scope: ACCESS_TOKEN}}
                    """)
        let found = try lines(text)
        #expect(
            found == [
                "5:95: error: output `c.yaml`: `access_token` and `token_type` would both be written as `token`; give every renamed key in `keys` a distinct name, or drop one with `~`",
                "5:159: error: output `c.json`: `scope` and `issuer` would both be written as `issuer`; give every renamed key in `keys` a distinct name, or drop one with `~`",
                "5:197: error: output `c.env`: `access_token` and `token_type` would both be written as `ACCESS_TOKEN`; give every renamed key in `keys` a distinct name, or drop one with `~`",
            ])
    }

    @Test("kubernetes_secret: Secret names made from client names, labels and annotations")
    func kubernetesNames() throws {
        let text =
            Self.header + Self.client("ok")
            + Self.client("under_score", outputs: "{kubernetes_secret: u.yaml}, {kubernetes_secret: n.yaml, name: fine}")
            + Self.client("l", outputs: "{kubernetes_secret: l.yaml, labels: {\"bad key!\": x}}")
            + "outputs:\n  - {kubernetes_secret: all.yaml}\n"
        let found = try lines(text)
        #expect(
            found == [
                "6:115: error: output `u.yaml` (client `under_score`): the Secret name `under_score` must be lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit, with no empty part between dots (Kubernetes DNS-1123 subdomain); set `name:` on this output to a valid Secret name",
                "7:95: error: output `l.yaml`: the label key `bad key!` has a name part that is not letters, digits, `-`, `_` and `.` starting and ending with a letter or digit; fix the key under `labels:`",
                "9:25: error: output `all.yaml` (client `under_score`): the Secret name `under_score` must be lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit, with no empty part between dots (Kubernetes DNS-1123 subdomain); rename the client, or write it to its own output with `name:`; an aggregate names each Secret after its client",
            ])
    }

    @Test("a systematic problem over many clients names three and counts the rest")
    func manyClients() throws {
        let text = Self.header + (0..<10).map { Self.client("c_\($0)") }.joined() + "outputs:\n  - {kubernetes_secret: all.yaml}\n"
        let found = try lines(text)
        #expect(found.count == 4)
        #expect(found.last == "16:25: error: output `all.yaml`: 7 more clients have the same kind of problem")
    }
}
