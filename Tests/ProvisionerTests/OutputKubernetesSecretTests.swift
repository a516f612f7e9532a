import Foundation
import Provisioner
import Testing
import YAMLKit

/// Runs PyPI's `kubernetes-validate` in strict mode (unknown fields are errors)
/// against the bundled, offline schemas of Kubernetes 1.31.
func kubernetesValidate(_ path: String) async throws -> ProcessResult? {
    guard let tool = which("kubernetes-validate") else {
        Issue.record("kubernetes-validate is missing: pip install kubernetes-validate==1.37.0")
        return nil
    }
    return try await runProcess(tool, ["--strict", "--quiet", "-k", "1.31.0", path])
}

@Suite("Output: Kubernetes Secret")
struct OutputKubernetesSecretTests {
    let parser = YAMLParser()

    private func secret(_ node: Node?) throws -> Node.Mapping { try #require(node?.mapping) }

    private func decoded(_ data: Node.Mapping, _ key: String) -> String? {
        data[key]?.scalar.flatMap { Data(base64Encoded: $0.value) }.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("per client: one document with metadata, annotations without the token, base64 data")
    func perClient() throws {
        let options = KubernetesSecretOptions(
            name: "billing-token", namespace: "payments", labels: ["team": "pay"], annotations: ["note": "x"])
        let token = OutputFixtures.token()
        let bytes = try KubernetesSecretRenderer.render(token, spec: .secret(), options: options)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains(token.accessToken))
        #expect(!text.hasPrefix("---"))
        let documents = try parser.parse(text)
        #expect(documents.count == 1)
        let root = try secret(documents.first)
        #expect(root.keys == ["apiVersion", "kind", "type", "metadata", "data"])
        #expect(
            root["apiVersion"]?.scalar?.value == "v1" && root["kind"]?.scalar?.value == "Secret" && root["type"]?.scalar?.value == "Opaque")
        let metadata = try #require(root["metadata"]?.mapping)
        #expect(metadata["name"]?.scalar?.value == "billing-token")
        #expect(metadata["namespace"]?.scalar?.value == "payments")
        let labels = try #require(metadata["labels"]?.mapping)
        #expect(labels["app.kubernetes.io/managed-by"]?.scalar?.value == "tokensmith" && labels["team"]?.scalar?.value == "pay")
        let annotations = try #require(metadata["annotations"]?.mapping)
        #expect(annotations["tokensmith.dev/expires-at"]?.scalar?.value == "2026-11-26T18:00:00Z")
        #expect(annotations["tokensmith.dev/issuer"]?.scalar?.value == token.issuer)
        #expect(annotations["tokensmith.dev/client-id"]?.scalar?.value == "billing-svc")
        #expect(annotations["note"]?.scalar?.value == "x")
        let data = try #require(root["data"]?.mapping)
        #expect(data.keys == ["access_token", "token_type", "expires_at", "scope"])
        expectSameValue(decoded(data, "access_token"), token.accessToken, "decoded access_token")
        #expect(decoded(data, "token_type") == "Bearer" && decoded(data, "expires_at") == "2026-11-26T18:00:00Z")
        #expect(decoded(data, "scope") == token.scope)
    }

    @Test("aggregate: one document per client, sorted, named by client with the optional prefix")
    func aggregate() throws {
        let tokens = [OutputFixtures.token("reports"), OutputFixtures.token("billing", expiresAt: nil, scope: nil)]
        let bytes = try KubernetesSecretRenderer.render(
            tokens, spec: .secret("out/all.yaml"), options: KubernetesSecretOptions(name: "tok-", namespace: "platform"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("---\n"))
        let documents = try parser.parse(text)
        #expect(documents.count == 2)
        let names = try documents.map { try secret($0)["metadata"]?.mapping?["name"]?.scalar?.value }
        #expect(names == ["tok-billing", "tok-reports"])
        let billing = try secret(documents[0])
        #expect(billing["data"]?.mapping?.keys == ["access_token", "token_type"])
        #expect(billing["metadata"]?.mapping?["annotations"]?.mapping?["tokensmith.dev/expires-at"] == nil)
    }

    @Test("data keys are renamed")
    func renamed() throws {
        let bytes = try KubernetesSecretRenderer.render(
            OutputFixtures.token(), spec: .secret(keys: ["access_token": "TOKEN", "scope": "granted.scope"]),
            options: KubernetesSecretOptions())
        let data = try #require(try secret(try parser.parseSingle(String(decoding: bytes, as: UTF8.self)))["data"]?.mapping)
        #expect(data.keys == ["TOKEN", "token_type", "expires_at", "granted.scope"])
    }

    @Test("every generated manifest passes kubernetes-validate --strict, and awkward values survive YAML")
    func schema() async throws {
        let folder = try ScratchFolder()
        let options = KubernetesSecretOptions(
            name: "t-", namespace: "kube-system",
            labels: ["example.com/tier": "backend", "empty": "", "yes": "true", "n": "0123", "date": "2026-11-26"],
            annotations: ["example.com/note": "multi\nline: yes # not a comment", "on": "null"])
        var tokens = OutputFixtures.awkwardValues.enumerated().map {
            OutputFixtures.token("c\($0.offset)", access: $0.element, type: "DPoP", scope: $0.element)
        }
        tokens.append(OutputFixtures.token("no-expiry", expiresAt: nil, scope: nil))
        let perClient = try KubernetesSecretRenderer.render(OutputFixtures.token(), spec: .secret(), options: KubernetesSecretOptions())
        let aggregate = try KubernetesSecretRenderer.render(tokens, spec: .secret("out/all.yaml"), options: options)
        for (name, bytes) in [("one.yaml", perClient), ("all.yaml", aggregate)] {
            let path = try folder.write(name, bytes)
            guard let result = try await kubernetesValidate(path) else { return }
            #expect(
                result.status == 0,
                "kubernetes-validate refused \(name): \(String(decoding: result.stdout, as: UTF8.self)) \(result.stderr)")
        }
        let documents = try parser.parse(String(decoding: aggregate, as: UTF8.self))
        #expect(documents.count == tokens.count)
        for (document, token) in zip(documents, tokens.sorted { $0.clientName < $1.clientName }) {
            let root = try secret(document)
            let data = try #require(root["data"]?.mapping)
            expectSameValue(decoded(data, "access_token"), token.accessToken, "decoded token of \(token.clientName)")
            let labels = try #require(root["metadata"]?.mapping?["labels"]?.mapping)
            #expect(labels["yes"]?.scalar?.resolved == .string && labels["n"]?.scalar?.value == "0123")
            #expect(labels["date"]?.scalar?.value == "2026-11-26" && labels["date"]?.scalar?.style == .doubleQuoted)
            #expect(
                root["metadata"]?.mapping?["annotations"]?.mapping?["example.com/note"]?.scalar?.value == "multi\nline: yes # not a comment"
            )
        }
    }

    /// Rule violations by name; the options are built in ``ruleCase(_:)`` so the test log stays short.
    static let ruleCases: [String] = [
        "name upper-case", "name empty part", "name leading dash", "name too long", "namespace with dot",
        "namespace too long", "namespace upper-case", "data key with space", "data key ..", "data key .",
        "data key too long", "data keys clash", "label key with space", "label prefix upper-case",
        "label key two slashes", "label name too long", "label value too long", "label value leading dash",
        "label value with space", "annotation empty prefix", "annotation key trailing underscore", "annotations too large",
    ]

    static func ruleCase(_ name: String) -> (KubernetesSecretOptions, [String: String], OutputError.Code) {
        switch name {
        case "name upper-case": (KubernetesSecretOptions(name: "Billing"), [:], .invalidSecretName)
        case "name empty part": (KubernetesSecretOptions(name: "a..b"), [:], .invalidSecretName)
        case "name leading dash": (KubernetesSecretOptions(name: "-a"), [:], .invalidSecretName)
        case "name too long": (KubernetesSecretOptions(name: String(repeating: "a", count: 254)), [:], .invalidSecretName)
        case "namespace with dot": (KubernetesSecretOptions(namespace: "a.b"), [:], .invalidNamespace)
        case "namespace too long": (KubernetesSecretOptions(namespace: String(repeating: "n", count: 64)), [:], .invalidNamespace)
        case "namespace upper-case": (KubernetesSecretOptions(namespace: "Prod"), [:], .invalidNamespace)
        case "data key with space": (KubernetesSecretOptions(), ["access_token": "bad key"], .invalidDataKey)
        case "data key ..": (KubernetesSecretOptions(), ["access_token": ".."], .invalidDataKey)
        case "data key .": (KubernetesSecretOptions(), ["access_token": "."], .invalidDataKey)
        case "data key too long": (KubernetesSecretOptions(), ["access_token": String(repeating: "k", count: 254)], .invalidDataKey)
        case "data keys clash": (KubernetesSecretOptions(), ["scope": "token_type"], .duplicateKey)
        case "label key with space": (KubernetesSecretOptions(labels: ["a b": "x"]), [:], .invalidLabel)
        case "label prefix upper-case": (KubernetesSecretOptions(labels: ["Example.com/x": "y"]), [:], .invalidLabel)
        case "label key two slashes": (KubernetesSecretOptions(labels: ["a/b/c": "y"]), [:], .invalidLabel)
        case "label name too long": (KubernetesSecretOptions(labels: [String(repeating: "l", count: 64): "y"]), [:], .invalidLabel)
        case "label value too long": (KubernetesSecretOptions(labels: ["x": String(repeating: "v", count: 64)]), [:], .invalidLabel)
        case "label value leading dash": (KubernetesSecretOptions(labels: ["x": "-v"]), [:], .invalidLabel)
        case "label value with space": (KubernetesSecretOptions(labels: ["x": "has space"]), [:], .invalidLabel)
        case "annotation empty prefix": (KubernetesSecretOptions(annotations: ["/x": "y"]), [:], .invalidAnnotation)
        case "annotation key trailing underscore": (KubernetesSecretOptions(annotations: ["x_": "y"]), [:], .invalidAnnotation)
        default: (KubernetesSecretOptions(annotations: ["big": String(repeating: "a", count: 300_000)]), [:], .invalidAnnotation)
        }
    }

    @Test("each Kubernetes rule has its own error", arguments: ruleCases)
    func rules(name: String) throws {
        let (options, keys, code) = Self.ruleCase(name)
        #expect {
            try KubernetesSecretRenderer.render(OutputFixtures.token(), spec: .secret("out/x.yaml", options, keys: keys), options: options)
        } throws: { error in
            guard let error = error as? OutputError else { return false }
            return error.code == code && error.description.contains("out/x.yaml") && error.description.contains("client billing")
                && error.description.contains("tokensmith.yaml:16:9")
        }
    }

    @Test("valid edge cases are accepted")
    func validEdges() throws {
        let options = KubernetesSecretOptions(
            name: String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63), namespace: String(repeating: "n", count: 63),
            labels: ["example.com/" + String(repeating: "K", count: 63): "", "a": "A_b.c-9"], annotations: ["x.io/Y_z": ""])
        _ = try KubernetesSecretRenderer.render(OutputFixtures.token(), spec: .secret(keys: ["access_token": "-._aZ9"]), options: options)
    }

    @Test("a client name that is not a DNS subdomain needs `name:`")
    func clientName() throws {
        #expect {
            try KubernetesSecretRenderer.render(OutputFixtures.token("billing_eu"), spec: .secret(), options: KubernetesSecretOptions())
        } throws: { ($0 as? OutputError)?.code == .invalidSecretName }
    }

    @Test("a Secret of 1 MiB or more is refused")
    func size() throws {
        let big = String(repeating: "A", count: 800_000)
        #expect {
            try KubernetesSecretRenderer.render(OutputFixtures.token(access: big), spec: .secret(), options: KubernetesSecretOptions())
        } throws: { ($0 as? OutputError)?.code == .secretTooLarge && !"\($0)".contains(big) }
    }
}
