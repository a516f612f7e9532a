import Foundation
import TestProcessSupport
import Provisioner
import Testing
import YAMLKit

/// Templated outputs: rendering, each filter read back by its format's reader,
/// and `validate`'s errors at the template's `file:line:column`.
@Suite("Templated outputs")
struct TemplateOutputTests {
    static let manifestHead = """
        version: 1
        issuers:
          corp: {issuer: "https://sso.example.com"}
        clients:
          - name: billing
            issuer: corp
            client_id: billing-svc
            auth: {method: client_secret_basic, secret: s3cret}

        """

    /// Loads a manifest whose `outputs` (top level) are `outputs`, with template files written beside it.
    static func load(outputs: String, templates: [String: String]) throws -> ManifestLoadResult {
        let folder = try ManifestTestSupport.temporaryFolder()
        for (name, text) in templates { try ManifestTestSupport.write(text, to: name, in: folder, mode: 0o644) }
        return ManifestTestSupport.load(manifestHead + "outputs:\n" + outputs, in: folder, outputRoot: folder.path)
    }

    static func template(_ result: ManifestLoadResult) throws -> OutputTemplate {
        let manifest = try #require(result.manifest)
        guard case .template(let template) = try #require(manifest.outputs.first).format else {
            Issue.record("not a template output")
            throw CancellationError()
        }
        return template
    }

    @Test("a per-client template sees the client's values, unescaped")
    func perClient() throws {
        let source = "//registry.example.com/:_authToken={{access_token}}\n# {{name}} {{client_id}} {{token_type}} {{expires_in}}\n"
        let parsed = OutputTemplate.parse(source, origin: .file("/t/npmrc"), scope: .perClient)
        let template = try parsed.get()
        let token = OutputFixtures.token(access: "a&b<c>\"d'")
        let text = template.render(token)
        #expect(text.hasPrefix("//registry.example.com/:_authToken="))
        let written = text.split(separator: "\n")[0].dropFirst("//registry.example.com/:_authToken=".count)
        expectSameValue(String(written), token.accessToken, "token written without HTML escaping")
        #expect(text.hasSuffix("# billing billing-svc Bearer 3600\n"))
    }

    @Test("an aggregate template iterates clients sorted by name; a missing scope is false in sections")
    func aggregate() throws {
        let source = "{{#clients}}{{name}}:{{#scope}}[{{scope}}]{{/scope}}{{^scope}}none{{/scope}}\n{{/clients}}"
        let template = try OutputTemplate.parse(source, origin: .file("/t/list"), scope: .aggregate).get()
        let text = template.render([OutputFixtures.token("zeta", scope: nil), OutputFixtures.token("alpha", scope: "a b")])
        #expect(text == "alpha:[a b]\nzeta:none\n")
    }

    @Test("json, yaml, base64 and urlencode read back exactly with their readers", arguments: OutputFixtures.awkwardValues)
    func filtersReadBack(value: String) throws {
        let token = OutputFixtures.token(access: value)
        func rendered(_ filter: String) throws -> String {
            try OutputTemplate.parse("{{\(filter)(access_token)}}", origin: .file("/t"), scope: .perClient).get().render(token)
        }
        let json = try JSONSerialization.jsonObject(with: Data(try rendered("json").utf8), options: [.fragmentsAllowed]) as? String
        expectSameValue(json, value, "json")
        let yaml = try YAMLParser().parse("v: " + (try rendered("yaml")) + "\n").first?.mapping?.pairs.first?.value.scalar?.value
        expectSameValue(yaml, value, "yaml")
        let base64 = Data(base64Encoded: try rendered("base64")).map { String(decoding: $0, as: UTF8.self) }
        expectSameValue(base64, value, "base64")
        var components = URLComponents()
        components.percentEncodedQuery = "v=" + (try rendered("urlencode"))
        expectSameValue(components.queryItems?.first?.value, value, "urlencode")
    }

    @Test("shell reads back exactly through bash, a quote before a combining mark included")
    func shellReadBack() throws {
        // A `'` followed by a combining mark is one Character; the shell still sees the quote.
        let values = OutputFixtures.awkwardValues + ["'\u{34C}x", "a'\u{301}; echo hi", "''\u{300}'"]
        var script = ""
        for (index, value) in values.enumerated() {
            let token = OutputFixtures.token(access: value)
            let word = try OutputTemplate.parse("{{shell(access_token)}}", origin: .file("/t"), scope: .perClient).get().render(token)
            script += "v\(index)=\(word)\nprintf '%s\\0' \"$v\(index)\"\n"
        }
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = .pipe(pipe)
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let read = output.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(read.count == values.count)
        for (got, value) in zip(read, values) { expectSameValue(got, value, "shell") }
    }

    @Test("json and yaml keep numbers and write a missing value as null")
    func numbersAndNull() throws {
        let template = try OutputTemplate.parse(
            "{{json(expires_in)}} {{json(scope)}} {{yaml(expires_in)}} {{yaml(scope)}}", origin: .file("/t"), scope: .perClient
        ).get()
        #expect(template.render(OutputFixtures.token(scope: nil)) == "3600 null 3600 null")
    }

    @Test("validate: a syntax error is reported at the template's file:line:column")
    func syntaxError() throws {
        let result = try Self.load(
            outputs: "  - template: out/app.conf\n    source: app.conf.mustache\n",
            templates: ["app.conf.mustache": "token = {{access_token}}\n{{#clients}}\nunclosed\n"])
        #expect(result.manifest == nil)
        let messages = result.diagnostics.map(\.message)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("app.conf.mustache:") == true)
        #expect(messages.first?.contains("never closed") == true)
        #expect(result.diagnostics.first?.line == 11)
    }

    @Test("validate: an unknown name is refused at its line and column, with a suggestion")
    func unknownName() throws {
        let result = try Self.load(
            outputs: "  - template: out/app.conf\n    source: app.conf.mustache\n",
            templates: ["app.conf.mustache": "{{#clients}}\nname={{name}}\n  token={{acess_token}}\n{{/clients}}\n"])
        #expect(result.manifest == nil)
        let message = try #require(result.diagnostics.first?.message)
        #expect(message.contains("app.conf.mustache:3:11: unknown name `acess_token`"))
        #expect(message.contains("access_token"))
    }

    @Test("validate: an aggregate template naming a client value outside {{#clients}} is told where it belongs")
    func clientValueOutsideList() throws {
        let result = try Self.load(
            outputs: "  - template: out/app.conf\n    source: t.mustache\n", templates: ["t.mustache": "token={{access_token}}\n"])
        let message = try #require(result.diagnostics.first?.message)
        #expect(message.contains("t.mustache:1:9: unknown name `access_token`"))
        #expect(message.contains("inside {{#clients}}"))
    }

    @Test("validate: unknown filters, dotted names and partials are refused; a name in a never-entered block is still checked")
    func otherRefusals() throws {
        let cases: [(String, String)] = [
            ("{{jsn(access_token)}}", "unknown filter `jsn`"),
            ("{{access_token.value}}", "`access_token.value` names a member"),
            ("{{> header}}\n{{access_token}}", "partials and template inheritance"),
            ("{{^access_token}}{{tokn}}{{/access_token}}", "unknown name `tokn`"),
            ("{{#scope}}{{scpe}}{{/scope}}", "unknown name `scpe`"),
        ]
        for (source, expected) in cases {
            let result = OutputTemplate.parse(source, origin: .file("/t/x"), scope: .perClient)
            guard case .failure(let failure) = result else {
                Issue.record("accepted: \(source)")
                continue
            }
            #expect(failure.problems.contains { $0.message.contains(expected) }, "\(source)")
            #expect(failure.problems.allSatisfy { $0.place.hasPrefix("/t/x:") })
        }
    }

    @Test("validate: a template that is not UTF-8, or missing, is an error at `source:`")
    func unreadableSource() throws {
        let missing = try Self.load(outputs: "  - template: out/a\n    source: nope.mustache\n", templates: [:])
        #expect(missing.diagnostics.first?.message.contains("does not exist") == true)
        let noSource = try Self.load(outputs: "  - template: out/a\n", templates: [:])
        #expect(noSource.diagnostics.first?.message.contains("needs `source:`") == true)
    }

    @Test("Kubernetes Secrets: templated data keys per client and a settable type")
    func kubernetesData() throws {
        let outputs = """
              - kubernetes_secret: out/registry.yaml
                type: kubernetes.io/dockerconfigjson
                data:
                  .dockerconfigjson: {source: docker.json.mustache}
                  header: "{{token_type}} {{access_token}}"

            """
        let result = try Self.load(
            outputs: outputs,
            templates: ["docker.json.mustache": #"{"auths":{"registry.example.com":{"auth":{{json(access_token)}}}}}"#])
        #expect(result.diagnostics.map(\.summary) == [])
        let manifest = try #require(result.manifest)
        let spec = try #require(manifest.outputs.first)
        let bytes = try OutputRenderer.render(spec, tokens: [OutputFixtures.token()])
        let document = try #require(try YAMLParser().parse(String(decoding: bytes, as: UTF8.self)).first?.mapping)
        func value(_ key: String, in mapping: Node.Mapping) -> Node? { mapping.pairs.first { $0.key.scalar?.value == key }?.value }
        #expect(value("type", in: document)?.scalar?.value == "kubernetes.io/dockerconfigjson")
        let data = try #require(value("data", in: document)?.mapping)
        func decoded(_ key: String) -> String? {
            value(key, in: data)?.scalar.flatMap { Data(base64Encoded: $0.value) }.map { String(decoding: $0, as: UTF8.self) }
        }
        let token = OutputFixtures.token()
        expectSameValue(decoded("header"), "Bearer " + token.accessToken, "header")
        let config = try #require(decoded(".dockerconfigjson"))
        let parsed = try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: [String: [String: String]]]
        expectSameValue(parsed?["auths"]?["registry.example.com"]?["auth"], token.accessToken, ".dockerconfigjson")
        expectSameValue(decoded("access_token"), token.accessToken, "standard key kept")
    }

    @Test("Kubernetes Secrets: a type without its required keys, or a templated key meeting a standard one, is refused")
    func kubernetesRefusals() throws {
        let missingKey = try Self.load(
            outputs: "  - kubernetes_secret: out/s.yaml\n    type: kubernetes.io/basic-auth\n", templates: [:])
        #expect(missingKey.diagnostics.first?.message.contains("`username` or `password`") == true)
        let clash = try Self.load(
            outputs: "  - kubernetes_secret: out/s.yaml\n    data: {access_token: \"x{{access_token}}\"}\n", templates: [:])
        #expect(clash.manifest == nil)
        #expect(clash.diagnostics.contains { $0.message.contains("also where `access_token` is written") })
    }

    @Test("a template output in a group-readable file earns the mode warning")
    func modeWarning() throws {
        let result = try Self.load(
            outputs: "  - template: out/a.conf\n    source: a.mustache\n    mode: \"0644\"\n",
            templates: ["a.mustache": "{{#clients}}{{access_token}}{{/clients}}"])
        #expect(result.manifest != nil)
        #expect(result.diagnostics.contains { $0.severity == .warning && $0.message.contains("0644") })
    }
}
