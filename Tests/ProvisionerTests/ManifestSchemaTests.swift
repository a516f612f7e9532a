import Foundation
import Provisioner
import Testing

/// Checks the JSON Schema with an independent validator: Python's `jsonschema`
/// (Draft 2020-12), reading the YAML with PyYAML as editors' tooling would.
@Suite("Manifest JSON Schema")
struct ManifestSchemaTests {
    static let checker = """
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for path in sys.argv[2:]:
            document = yaml.safe_load(open(path))
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
            print(path.rsplit("/", 1)[-1] + ": " + ("ok" if not errors else "invalid: " + "; ".join(e.message for e in errors)))
        """

    /// Runs the checker over files and returns one line per file.
    func check(_ files: [URL]) async throws -> [String] {
        let folder = try ManifestTestSupport.temporaryFolder()
        let schema = try ManifestTestSupport.write(ManifestSchema.json, to: "schema.json", in: folder)
        let script = try ManifestTestSupport.write(Self.checker, to: "check.py", in: folder)
        let result = try await runProcess("/usr/bin/env", ["python3", script.path, schema.path] + files.map(\.path))
        let text = String(decoding: result.stdout, as: UTF8.self)
        let errorText = result.stderr
        #expect(result.status == 0, "\(errorText)")
        return text.split(separator: "\n").map(String.init)
    }

    @Test("the schema is valid JSON and names draft 2020-12")
    func wellFormed() throws {
        let object = try JSONSerialization.jsonObject(with: Data(ManifestSchema.json.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object?["additionalProperties"] as? Bool == false)
    }

    @Test("every example is accepted")
    func examplesAccepted() async throws {
        let files = ManifestTestSupport.exampleNames.map { ManifestTestSupport.examplesFolder.appendingPathComponent($0) }
        #expect(try await check(files) == ManifestTestSupport.exampleNames.map { "\($0.split(separator: "/").last ?? ""): ok" })
    }

    @Test("broken manifests are rejected")
    func brokenRejected() async throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let header = "version: 1\nissuers:\n  corp: {issuer: https://sso.example.com}\nclients:\n"
        let broken: [(String, String)] = [
            ("unknown-key.yaml", header + "  - {name: a, issuer: corp, client_id: a, auth: {method: none}, scopes: [x]}\n"),
            ("bad-name.yaml", header + "  - {name: Bad..Name, issuer: corp, client_id: a, auth: {method: none}}\n"),
            ("bad-method.yaml", header + "  - {name: a, issuer: corp, client_id: a, auth: {method: basic}}\n"),
            ("missing-key-file.yaml", header + "  - {name: a, issuer: corp, client_id: a, auth: {method: private_key_jwt}}\n"),
            (
                "two-secrets.yaml",
                header + "  - {name: a, issuer: corp, client_id: a, auth: {method: client_secret_basic, secret: x, secret_file: y}}\n"
            ),
            ("bad-duration.yaml", header + "  - {name: a, issuer: corp, client_id: a, auth: {method: none}, timeout: ten}\n"),
            (
                "bad-flavor.yaml",
                header + "  - {name: a, issuer: corp, client_id: a, auth: {method: none}, outputs: [{env: a.env, flavor: bash}]}\n"
            ),
            (
                "two-formats.yaml",
                header + "  - {name: a, issuer: corp, client_id: a, auth: {method: none}, outputs: [{env: a.env, json: a.json}]}\n"
            ),
            ("bad-version.yaml", "version: 2\n"),
            ("bad-rate.yaml", "version: 1\nissuers:\n  corp: {issuer: https://x.example, rate_limit: 20 per s}\n"),
            ("no-endpoint.yaml", "version: 1\nissuers:\n  corp: {discovery: auto}\n"),
            ("zero-concurrency.yaml", "version: 1\ndefaults: {concurrency: 0}\n"),
        ]
        var files: [URL] = []
        for (name, text) in broken { files.append(try ManifestTestSupport.write(text, to: name, in: folder)) }
        let lines = try await check(files)
        #expect(lines.count == broken.count)
        for (line, (name, _)) in zip(lines, broken) {
            #expect(line.hasPrefix("\(name): invalid: "), "\(line)")
        }
        // The loader agrees: each of these is an error for `tokensmith validate` too.
        for (name, text) in broken {
            let result = ManifestTestSupport.load(text, in: folder)
            #expect(result.errorCount > 0, "\(name)")
        }
    }
}
