import Foundation
import LocalIssuer
import Testing

/// `tokensmith validate -` and `run -`: the manifest comes from standard input.
@Suite("manifest from standard input (built binary)")
struct StandardInputManifestTests {
    @Test("validate - checks the manifest on standard input and names it <stdin> in diagnostics")
    func validate() async throws {
        let harness = try RunHarness()
        let manifest = """
            version: 1
            issuers:
              local: {issuer: "https://sso.example.com"}
            clients:
              - {name: a, issuer: local, client_id: a, auth: {method: client_secret_basic, secret_file: secrets/a.txt}}

            """
        try harness.write("s3cret\n", to: "secrets/a.txt")
        let clean = try await harness.run(["validate", "-"], standardInput: manifest)
        #expect(clean.status == 0, "\(clean.standardError)")
        #expect(clean.standardOutput.contains("1 client"), "\(clean.standardOutput)")

        // secret_file resolves from the current folder: a missing one is named there.
        let missing = try await harness.run(
            ["validate", "-"], standardInput: manifest.replacingOccurrences(of: "secrets/a.txt", with: "secrets/b.txt"))
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("<stdin>:5:"), "\(missing.standardError)")

        let twice = try await harness.run(["validate", "-", "-"], standardInput: manifest)
        #expect(twice.status == 2)
        #expect(twice.standardError.contains("standard input (-) can give only one manifest"))
    }

    @Test("run - grants from the manifest on standard input; outputs and secret files resolve from the current folder")
    func run() async throws {
        let harness = try RunHarness()
        let configuration = LocalIssuer.Configuration(clients: [
            RegisteredClient(id: "svc", authentication: .clientSecretBasic(secret: "from-file"))
        ])
        try await withIssuers([configuration]) { issuers in
            try harness.write("from-file\n", to: "secrets/svc.txt")
            let manifest =
                "version: 1\nissuers:\n" + RunEndToEndTests.issuerBlock("local", issuers[0]) + """
                    clients:
                      - {name: svc, issuer: local, client_id: svc, auth: {method: client_secret_basic, secret_file: secrets/svc.txt}, outputs: [{env: out/svc.env}]}

                    """
            let result = try await harness.run(["run", "-"], standardInput: manifest)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(harness.read("out/svc.env")?.contains("ACCESS_TOKEN=") == true)
            #expect(harness.exists(".tokensmith-state.json"))
        }
    }
}
