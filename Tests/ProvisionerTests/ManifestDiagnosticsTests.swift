import Foundation
import Provisioner
import Testing

@Suite("Manifest diagnostics")
struct ManifestDiagnosticsTests {
    @Test("a manifest with many distinct mistakes reports each one, with exact text and place")
    func manyMistakes() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        try ManifestTestSupport.copyExampleKey("example-entra-rs256.pem", as: "rsa.pem", into: folder)
        let text = """
            version: 1
            defaults:
              timeout: ten
              concurrency: 0
            issuers:
              corp:
                issuer: http://sso.example.com
                rate_limit: 20 per second
            clients:
              - name: billing
                issuer: crop
                client_id: billing-svc
                scopes: [invoices:read]
                auth:
                  method: client_secret_basic
                  secret: ${BILLING_SECRET}
                outputs:
                  - env: ../escape.env
              - name: billing
                issuer: corp
                client_id: dup
                auth:
                  method: private_key_jwt
                  alg: ES256
                  key_file: rsa.pem
                outputs:
                  - json: out/shared.json
              - name: Reports
                issuer: corp
                client_id: reports
                auth:
                  method: client_secret_post
                  secret: ${REPORTS_SECRET:-x}
                  secret_file: secret.txt
                scope: ["read write"]
              - name: ledger
                issuer: corp
                client_id: ledger
                auth:
                  method: tls_client_auth
                  certificate_file: missing.crt
                outputs:
                  - json: out/shared.json
            """
        let result = ManifestTestSupport.load(text, in: folder)
        let root = folder.standardizedFileURL.path
        #expect(
            ManifestTestSupport.lines(result) == [
                "3:12: error: expected a duration like 10s, 250ms or 5m for `timeout`, not `ten`",
                "4:16: error: `concurrency` must be an integer ≥ 1, not `0`",
                "7:13: error: `issuer` of issuer `corp` uses plain HTTP; use https, or set `allow_insecure_http: true` for a local test server",
                "8:17: error: `rate_limit` expects requests per second, minute or hour like 20/s, 100/m or 1000/h, not `20 per second`",
                "11:13: error: unknown issuer `crop`; did you mean `corp`?",
                "13:5: error: unknown key `scopes` in a client; did you mean `scope`?",
                "16:15: error: environment variable `BILLING_SECRET` is not set and has no default; set it or write `${BILLING_SECRET:-default}`",
                "18:14: error: output path `../escape.env` escapes the output root \(root)",
                "19:11: error: client name `billing` is already used at manifest.yaml:10:11",
                "24:12: error: `alg: ES256` does not fit the key in `rsa.pem`: the algorithm ES256 does not fit the RSA 2048-bit key; use one of RS256, RS384, RS512, PS256, PS384, PS512",
                "28:11: error: invalid client name `Reports`: use lower-case letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit",
                "34:7: error: the secret is given twice, as `secret` and `secret_file`; keep one",
                "35:13: error: invalid scope `read write`: a scope cannot contain spaces; give each scope as its own list item",
                "40:15: error: `tls_client_auth` needs `key_file`: the client certificate and its private key",
                "41:25: error: `missing.crt` does not exist (looked for \(root)/missing.crt)",
                "43:15: error: output `out/shared.json` is also written by the output at manifest.yaml:27:15",
            ])
        #expect(result.manifest == nil)
        #expect(result.errorCount == 16)
        #expect(result.summary == "1 manifest, 4 clients, 16 errors, 0 warnings")
        let keyPaths = result.diagnostics.map(\.keyPath)
        #expect(keyPaths.contains("clients[1].auth.alg"))
        #expect(keyPaths.contains("clients[0].scopes"))
        #expect(keyPaths.contains("defaults.timeout"))
        #expect(keyPaths.contains("clients[3].outputs[0].json"))
    }

    @Test("the rendering is compiler-style with the source line and a caret")
    func rendering() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let result = ManifestTestSupport.load("version: 1\ndefaults:\n  timeout: ten\n", in: folder)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(
            diagnostic.description == """
                manifest.yaml:3:12: error: expected a duration like 10s, 250ms or 5m for `timeout`, not `ten`
                  timeout: ten
                           ^
                """)
        let stamped = diagnostic.jsonLine(at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(
            stamped.hasPrefix(
                #"{"time":"2027-01-15T08:00:00Z","level":"error","message":"expected a duration like 10s, 250ms or 5m for `timeout`, not `ten`","file":"manifest.yaml","line":3,"column":12,"key_path":"defaults.timeout""#
            ))
    }

    @Test("missing keys per auth method, keys a method does not use, wrong types")
    func authRequirements() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - name: a
                issuer: corp
                client_id: a
                auth: {method: client_secret_basic}
              - name: b
                issuer: corp
                client_id: [b]
                auth: {method: none, key_file: x.pem}
              - name: c
                issuer: corp
                auth: {method: client_secret_jwt, secret: short, alg: RS256}
              - name: d
                issuer: corp
                client_id: d
                auth: {method: private_key_jwt, key_file: keys}
                dpop: yes
            """
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("keys"), withIntermediateDirectories: true)
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(
            ManifestTestSupport.lines(result) == [
                "8:20: error: `client_secret_basic` needs `secret` or `secret_file`",
                "11:16: error: `client_id` must be a string, not a list",
                "12:26: error: `key_file` is not used by `none`; remove it",
                "13:5: error: client `c` has no `client_id`",
                "15:47: warning: the secret is shorter than the 32 bytes RFC 7518 asks for with HS256",
                "15:59: error: `client_secret_jwt` cannot sign with `RS256`; use one of HS256, HS384, HS512",
                "19:47: error: `keys` is a folder; `key_file` must name a file",
                "20:11: error: `dpop` must be true or false, not `yes`",
            ])
    }

    @Test("unknown top-level keys, unsupported version and nested unknown keys")
    func unknownKeys() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = """
            version: 2
            x-anchors: {ignored: true}
            default:
              timeout: 1s
            issuers:
              corp:
                issuer: https://sso.example.com
                discovry: oidc
            clients: []
            """
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(
            ManifestTestSupport.lines(result) == [
                "1:10: error: unsupported manifest version `2`; this tokensmith reads version 1",
                "3:1: error: unknown key `default` at the top level; did you mean `defaults`?",
                "8:5: error: unknown key `discovry` in issuer `corp`; did you mean `discovery`?",
            ])
    }

    @Test("YAML syntax errors become diagnostics")
    func yamlErrors() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let result = ManifestTestSupport.load("version: 1\nclients:\n  - name: a\n  name: b\n    x: [\n", in: folder)
        #expect(result.errorCount == 1)
        #expect(result.diagnostics.first?.file == "manifest.yaml")
        #expect(result.manifest == nil)
    }

    @Test("names must be unique across files, and defaults given once")
    func acrossFiles() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let first = """
            version: 1
            defaults: {timeout: 5s}
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - {name: api, issuer: corp, client_id: api, auth: {method: none}}
            """
        let second = """
            version: 1
            defaults: {timeout: 6s}
            issuers:
              corp: {issuer: https://other.example.com}
            clients:
              - {name: api, issuer: corp, client_id: api2, auth: {method: none}}
            """
        let loader = ManifestLoader(environment: [:], currentDirectory: folder.path)
        let result = loader.load(sources: [
            ManifestSource(path: "a.yaml", text: first), ManifestSource(path: "b.yaml", text: second),
        ])
        #expect(
            result.diagnostics.map(\.summary) == [
                "b.yaml:2:1: error: `defaults` is already given at a.yaml:2:1; keep it in one manifest",
                "b.yaml:4:3: error: issuer `corp` is already defined at a.yaml:4:3",
                "b.yaml:6:12: error: client name `api` is already used at a.yaml:6:12",
            ])
        #expect(result.summary == "2 manifests, 2 clients, 3 errors, 0 warnings")
    }

    @Test("warnings: literal secret in a readable manifest, key file readable by others")
    func warnings() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        try ManifestTestSupport.copyExampleKey("example-okta-es256.pem", as: "key.pem", into: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder.appendingPathComponent("key.pem").path)
        let text = """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - name: a
                issuer: corp
                client_id: a
                auth: {method: client_secret_post, secret: hunter2-literal}
              - name: b
                issuer: corp
                client_id: b
                auth: {method: private_key_jwt, key_file: key.pem}
              - name: c
                issuer: corp
                client_id: c
                auth: {method: private_key_jwt, key_file: key.pem}
            outputs: [{json: out/all.json}]
            """
        let result = ManifestTestSupport.load(text, in: folder, mode: 0o644)
        #expect(
            ManifestTestSupport.lines(result) == [
                "8:48: warning: the secret is written literally in a manifest readable by group or others (mode 0644); use `secret_file` or `${VARIABLE}`",
                "12:47: warning: `key.pem` is readable by group or others (mode 0644); restrict it with `chmod 600`",
            ])
        #expect(result.manifest != nil)
        #expect(!result.diagnostics.contains { $0.description.contains("hunter2") })
        #expect(result.diagnostics.first?.sourceLine == "    auth: {method: client_secret_post, secret: <redacted>")
        #expect(ValidationOutput.exitStatus(for: result, strict: false) == 0)
        #expect(ValidationOutput.exitStatus(for: result, strict: true) == 2)
    }

    @Test("a secret folded over three lines stays hidden on each of them (found by fuzzing)")
    func foldedSecretIsMaskedOnEveryLine() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - name: a
                issuer: corp
                client_id: a
                auth: {method: client_secret_post, secret: FirstSecretPiece1
                  SecondSecretPiece2
                  ThirdSecretPiece3, bogus: 1}
            """
        let result = ManifestTestSupport.load(text, in: folder, mode: 0o600)
        #expect(ManifestTestSupport.lines(result).count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.line == 10)
        #expect(diagnostic.sourceLine == "      <redacted>")
        for piece in ["FirstSecretPiece1", "SecondSecretPiece2", "ThirdSecretPiece3"] {
            #expect(!diagnostic.description.contains(piece))
        }
    }

    @Test("lone CR line breaks count as lines, as libyaml counts them, for the place and the source line")
    func loneCarriageReturns() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text =
            "version: 1\rissuers:\r  corp: {issuer: https://sso.example.com}\rclients:\r  - name: a\r    issuer: corp\r    client_id: a\r    auth: {method: none}\r    scoop: x\r"
        let result = ManifestTestSupport.load(text, in: folder, mode: 0o600)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.line == 9 && diagnostic.column == 5, "\(diagnostic.summary)")
        #expect(diagnostic.sourceLine == "    scoop: x")
    }

    @Test("output roots: --output-root replaces the manifest folder")
    func outputRoot() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = """
            version: 1
            issuers:
              corp: {issuer: https://sso.example.com}
            clients:
              - {name: a, issuer: corp, client_id: a, auth: {method: none}, outputs: [{env: tokens/a.env}]}
            outputs:
              - json: ../../outside.json
            """
        let result = ManifestTestSupport.load(text, in: folder, outputRoot: "/srv/tokens")
        #expect(
            ManifestTestSupport.lines(result) == [
                "7:11: error: output path `../../outside.json` escapes the output root /srv/tokens"
            ])
        let good = ManifestTestSupport.load(
            text.replacingOccurrences(of: "../../outside.json", with: "all.json"), in: folder, outputRoot: "/srv/tokens")
        let manifest = try #require(good.manifest)
        #expect(manifest.clients[0].outputs[0].path == "/srv/tokens/tokens/a.env")
        #expect(manifest.outputs[0].path == "/srv/tokens/all.json")
        #expect(manifest.outputs[0].origin == "manifest.yaml:7:11")
    }
}
