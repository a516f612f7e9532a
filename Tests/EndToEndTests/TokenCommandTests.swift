import Foundation
import LocalIssuer
import Testing

/// `tokensmith token` with a secret source that gives nothing: a usage error
/// naming it, before any request.
@Suite("tokensmith token: client secret sources (built binary)")
struct TokenCommandTests {
    @Test("--client-secret-env naming an unset or empty variable exits 2 naming it, and sends nothing")
    func unsetSecretVariable() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "svc", authentication: .clientSecretBasic(secret: "right"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            let base = ["token", "--token-endpoint", issuers[0].tokenEndpoint, "--client-id", "svc", "--allow-insecure-http"]
            let unset = try await harness.run(base + ["--client-secret-env", "SVC_SECRET"])
            #expect(unset.status == 2, "stderr: \(unset.standardError)")
            #expect(unset.standardError.contains("--client-secret-env names SVC_SECRET, which is not set"))
            let empty = try await harness.run(base + ["--client-secret-env", "SVC_SECRET"], environment: ["SVC_SECRET": ""])
            #expect(empty.status == 2)
            #expect(empty.standardError.contains("SVC_SECRET, which is empty"))
            #expect(issuers[0].statistics().totalRequests == 0)

            let set = try await harness.run(base + ["--client-secret-env", "SVC_SECRET"], environment: ["SVC_SECRET": "right"])
            #expect(set.status == 0, "stderr: \(set.standardError)")
            #expect(!set.standardOutput.isEmpty)
        }
    }

    @Test("--client-secret-file that is missing, a folder or empty exits 2 naming it, and sends nothing")
    func unreadableSecretFile() async throws {
        let harness = try RunHarness()
        let clients = [RegisteredClient(id: "svc", authentication: .clientSecretBasic(secret: "right"))]
        try await withIssuers([LocalIssuer.Configuration(clients: clients)]) { issuers in
            let base = ["token", "--token-endpoint", issuers[0].tokenEndpoint, "--client-id", "svc", "--allow-insecure-http"]
            try harness.write("\n", to: "empty.txt")
            try harness.write("right\n", to: "folder/secret.txt")
            for (file, problem) in [("missing.txt", "cannot be read"), ("folder", "cannot be read"), ("empty.txt", "is empty")] {
                let result = try await harness.run(base + ["--client-secret-file", file])
                #expect(result.status == 2, "\(file): \(result.standardError)")
                #expect(result.standardError.contains("--client-secret-file \(file) \(problem)"), "\(file): \(result.standardError)")
            }
            #expect(issuers[0].statistics().totalRequests == 0)
            let good = try await harness.run(base + ["--client-secret-file", "folder/secret.txt"])
            #expect(good.status == 0, "stderr: \(good.standardError)")
        }
    }
}
