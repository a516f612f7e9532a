import Foundation
import Provisioner
import Testing
import YAMLKit

/// `keys: {expires_at: ~}` leaves a key out of an output, in every format, from the manifest on.
@Suite("Output: keys dropped with ~")
struct OutputDroppedKeysTests {
    static let header = "version: 1\nissuers:\n  corp: {issuer: https://sso.example.com}\nclients:\n"

    static func client(outputs: String) -> String {
        header + "  - {name: billing, issuer: corp, client_id: b, auth: {method: none}, outputs: [\(outputs)]}\n"
    }

    @Test("json: a dropped member is not written, the others are")
    func json() throws {
        let spec = OutputSpec(format: .json, path: "out/a.json", keys: ["scope": "scopes"], droppedKeys: [.expiresAt, .expiresIn])
        let bytes = try JSONRenderer.render(OutputFixtures.token(), spec: spec)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(Set(object.keys) == ["access_token", "token_type", "scopes", "issuer", "client_id"])
        let all = try JSONRenderer.render([OutputFixtures.token("a"), OutputFixtures.token("b")], spec: spec)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(all)) as? [String: Any])
        let clients = try #require(root["clients"] as? [String: [String: Any]])
        #expect(clients.values.allSatisfy { $0["expires_at"] == nil && $0["expires_in"] == nil && $0["access_token"] != nil })
    }

    @Test("json: a member renamed to the name of a dropped one does not clash")
    func jsonRenameOntoDropped() throws {
        let spec = OutputSpec(format: .json, path: "out/a.json", keys: ["expires_in": "expires_at"], droppedKeys: [.expiresAt])
        let bytes = try JSONRenderer.render(OutputFixtures.token(), spec: spec)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["expires_at"] as? Int == 3600)
    }

    @Test("env: the dropped line is not written, per client and aggregate")
    func env() throws {
        let spec = OutputSpec(format: .env(EnvOptions(includeScope: true)), path: "out/a.env", droppedKeys: [.expiresAt])
        let text = String(
            decoding: try EnvRenderer.render(
                OutputFixtures.token(access: "tok"), spec: spec, options: EnvOptions(flavor: .shell, includeScope: true)), as: UTF8.self)
        #expect(text == "ACCESS_TOKEN=tok\nTOKEN_TYPE=Bearer\nSCOPE='invoices:read invoices:write'\n")
        let all = String(
            decoding: try EnvRenderer.render([OutputFixtures.token("a", access: "t1", scope: nil)], spec: spec, options: EnvOptions()),
            as: UTF8.self)
        #expect(all == "A_ACCESS_TOKEN=t1\nA_TOKEN_TYPE=Bearer\n")
    }

    @Test("kubernetes_secret: the data key is not written; the expiry annotation stays")
    func secret() throws {
        let spec = OutputSpec(format: .kubernetesSecret(KubernetesSecretOptions()), path: "out/a.yaml", droppedKeys: [.expiresAt, .scope])
        let bytes = try KubernetesSecretRenderer.render(OutputFixtures.token(), spec: spec, options: KubernetesSecretOptions())
        let document = try #require(try YAMLParser().parse(String(decoding: bytes, as: UTF8.self)).first?.mapping)
        #expect(document["data"]?.mapping?.keys == ["access_token", "token_type"])
        #expect(document["metadata"]?.mapping?["annotations"]?.mapping?["tokensmith.dev/expires-at"] != nil)
    }

    @Test("the manifest accepts `~` (and null) for a key and keeps renames beside it")
    func manifest() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = Self.client(
            outputs: "{json: a.json, keys: {expires_at: ~, expires_in: null, scope: scopes}}, {env: a.env, keys: {token_type: ~}}")
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(ManifestTestSupport.lines(result) == [])
        let outputs = try #require(result.manifest?.clients.first?.outputs)
        #expect(outputs.map(\.droppedKeys) == [[.expiresAt, .expiresIn], [.tokenType]])
        #expect(outputs.first?.keys == ["scope": "scopes"])
    }

    @Test("dropping access_token, or the scope an env output includes, is a manifest error")
    func refused() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = Self.client(outputs: "{json: a.json, keys: {access_token: ~}}, {env: a.env, include_scope: true, keys: {scope: ~}}")
        #expect(
            ManifestTestSupport.lines(ManifestTestSupport.load(text, in: folder)) == [
                "5:117: error: `access_token` cannot be dropped: it is what an output is for; remove the output instead",
                "5:135: error: `include_scope: true` asks for the scope, but `keys` drops it; keep one of the two",
            ])
    }
}
