import Foundation
import TestProcessSupport
import Testing

/// Runs the built `tokensmith` binary: `validate`, `schema`, `--version`, `--help`.
@Suite("tokensmith validate and schema (built binary)")
struct ManifestCommandLineTests {
    /// The package root, from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary next to the test bundle (the products folder), else `.build/debug`.
    static let binary: URL = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tokensmith"),
            Bundle.main.bundleURL.appendingPathComponent("tokensmith"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tokensmith"),
            repositoryRoot.appendingPathComponent(".build/debug/tokensmith"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[candidates.count - 1]
    }()

    struct Run {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs the binary with `arguments` in `folder` and a controlled environment.
    /// Waits on the process's termination callback and reads both pipes on
    /// their own threads (``PipeCollector``), so no concurrency thread blocks.
    static func run(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) async throws -> Run {
        let process = SpawnedProcess()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        if let folder { process.currentDirectoryURL = folder }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = .pipe(output)
        process.standardError = .pipe(errors)
        process.standardInput = .null
        // Both pipes are drained while the child runs, so a chatty child cannot block on a full pipe.
        let outputData = PipeCollector(output.fileHandleForReading)
        let errorData = PipeCollector(errors.fileHandleForReading)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Run(
            status: status,
            standardOutput: await outputData.text(),
            standardError: await errorData.text()
        )
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tokensmith-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }

    static let good = """
        version: 1
        issuers:
          corp: {issuer: https://sso.example.com}
        clients:
          - name: billing
            issuer: corp
            client_id: billing-svc
            auth: {method: client_secret_basic, secret: "${BILLING_SECRET:-dev-secret}"}
            outputs: [{env: out/billing.env}]
        """

    @Test("validate exits 0 on a good manifest and prints the summary")
    func validateGood() async throws {
        let folder = try Self.temporaryFolder()
        try Self.write(Self.good, to: "good.yaml", in: folder)
        let result = try await Self.run(["validate", "good.yaml"], in: folder)
        #expect(result.status == 0)
        #expect(result.standardOutput == "1 manifest, 1 client, 0 errors, 0 warnings\n")
        #expect(result.standardError == "")
    }

    @Test("validate exits 2 with file:line:column diagnostics on a bad manifest")
    func validateBad() async throws {
        let folder = try Self.temporaryFolder()
        try Self.write(
            Self.good.replacingOccurrences(of: "issuer: corp", with: "issuer: crop") + "\n    scopes: [a]\n", to: "bad.yaml", in: folder)
        let result = try await Self.run(["validate", "bad.yaml"], in: folder)
        #expect(result.status == 2)
        #expect(
            result.standardError.contains(
                "bad.yaml:6:13: error: unknown issuer `crop`; did you mean `corp`?\n    issuer: crop\n            ^"))
        #expect(result.standardError.contains("bad.yaml:10:5: error: unknown key `scopes` in a client; did you mean `scope`?"))
        #expect(result.standardOutput == "1 manifest, 1 client, 2 errors, 0 warnings\n")
    }

    @Test("--strict turns warnings into exit status 2; secrets stay out of the output")
    func strict() async throws {
        let folder = try Self.temporaryFolder()
        let literal = Self.good.replacingOccurrences(of: "\"${BILLING_SECRET:-dev-secret}\"", with: "very-secret-literal")
        try Self.write(literal, to: "literal.yaml", in: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder.appendingPathComponent("literal.yaml").path)
        let relaxed = try await Self.run(["validate", "literal.yaml"], in: folder)
        #expect(relaxed.status == 0)
        #expect(relaxed.standardError.contains("literal.yaml:8:49: warning: the secret is written literally"))
        #expect(!relaxed.standardError.contains("very-secret-literal"))
        let strict = try await Self.run(["validate", "--strict", "literal.yaml"], in: folder)
        #expect(strict.status == 2)
        #expect(strict.standardOutput == "1 manifest, 1 client, 0 errors, 1 warning\n")
    }

    @Test("a missing variable is an error naming the variable; the environment fixes it")
    func environment() async throws {
        let folder = try Self.temporaryFolder()
        try Self.write(Self.good.replacingOccurrences(of: ":-dev-secret", with: ""), to: "env.yaml", in: folder)
        let missing = try await Self.run(["validate", "env.yaml"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("env.yaml:8:50: error: environment variable `BILLING_SECRET` is not set"))
        let given = try await Self.run(["validate", "env.yaml"], in: folder, environment: ["BILLING_SECRET": "x"])
        #expect(given.status == 0)
    }

    @Test("--output-root and --log-format json")
    func options() async throws {
        let folder = try Self.temporaryFolder()
        try Self.write(Self.good.replacingOccurrences(of: "out/billing.env", with: "../billing.env"), to: "m.yaml", in: folder)
        let escaped = try await Self.run(["validate", "--log-format", "json", "m.yaml"], in: folder)
        #expect(escaped.status == 2)
        #expect(escaped.standardError.hasPrefix(#"{"time":""#))
        #expect(escaped.standardError.contains(#"","level":"error","message":""#))
        #expect(escaped.standardError.contains(#","file":"m.yaml","line":9,"column":21,"key_path":"clients[0].outputs[0].env""#))
        try Self.write(Self.good.replacingOccurrences(of: "out/billing.env", with: "/srv/tokens/billing.env"), to: "abs.yaml", in: folder)
        #expect(try await Self.run(["validate", "abs.yaml"], in: folder).status == 2)
        let rooted = try await Self.run(["validate", "--output-root", "/srv/tokens", "abs.yaml"], in: folder)
        #expect(rooted.status == 0, "\(rooted.standardError)")
    }

    @Test("several manifests: names must stay unique across them")
    func severalFiles() async throws {
        let folder = try Self.temporaryFolder()
        try Self.write(Self.good, to: "a.yaml", in: folder)
        try Self.write(Self.good.replacingOccurrences(of: "corp", with: "other"), to: "b.yaml", in: folder)
        let result = try await Self.run(["validate", "a.yaml", "b.yaml"], in: folder)
        #expect(result.status == 2)
        #expect(result.standardError.contains("b.yaml:5:11: error: client name `billing` is already used at a.yaml:5:11"))
        #expect(result.standardOutput == "2 manifests, 2 clients, 2 errors, 0 warnings\n")
    }

    @Test("command-line mistakes exit 2")
    func usage() async throws {
        #expect(try await Self.run(["validate"]).status == 2)
        #expect(try await Self.run(["validate", "--no-such-flag", "x.yaml"]).status == 2)
        let missing = try await Self.run(["validate", "/nonexistent/manifest.yaml"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent/manifest.yaml:1:1: error: no such manifest file"))
    }

    @Test("schema prints a JSON Schema")
    func schema() async throws {
        let result = try await Self.run(["schema"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect((object?["$defs"] as? [String: Any])?["client"] != nil)
    }

    @Test("--version and --help")
    func versionAndHelp() async throws {
        let version = try await Self.run(["--version"])
        #expect(version.status == 0)
        #expect(version.standardOutput.range(of: #"^\d+\.\d+\.\d+\n$"#, options: .regularExpression) != nil)
        let help = try await Self.run(["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("validate"))
        #expect(help.standardOutput.contains("schema"))
        let validateHelp = try await Self.run(["validate", "--help"])
        #expect(validateHelp.standardOutput.contains("--strict"))
        #expect(validateHelp.standardOutput.contains("--output-root"))
    }

    @Test("every example validates clean through the binary")
    func examples() async throws {
        let folder = try Self.temporaryFolder()
        let examples = folder.appendingPathComponent("examples")
        try FileManager.default.copyItem(at: Self.repositoryRoot.appendingPathComponent("examples"), to: examples)
        let keys = examples.appendingPathComponent("keys")
        for name in try FileManager.default.contentsOfDirectory(atPath: keys.path) where name.hasSuffix(".pem") || name.hasSuffix(".key") {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keys.appendingPathComponent(name).path)
        }
        for name in ["quickstart.yaml", "keycloak.yaml", "auth0.yaml", "entra-id.yaml", "okta.yaml", "fleet.yaml"] {
            let result = try await Self.run(["validate", "--strict", name], in: examples)
            #expect(result.status == 0, "\(name): \(result.standardError)")
        }
    }
}
