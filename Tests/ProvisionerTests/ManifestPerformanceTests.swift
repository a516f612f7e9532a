import Foundation
import Provisioner
import Testing

@Suite("Manifest validation at scale")
struct ManifestPerformanceTests {
    /// A manifest of `count` clients over a few issuers, sharing one secret file
    /// and one key file, each with its own output.
    static func fleet(count: Int) -> String {
        var text = """
            version: 1
            x-auth: &auth {method: client_secret_basic, secret_file: shared.secret}
            issuers:
              corp: {issuer: "https://sso.example.com/realms/prod", max_concurrency: 16, rate_limit: 200/s}
              partner: {token_endpoint: "https://auth.partner.example/token"}
            clients:

            """
        text.reserveCapacity(count * 220)
        for index in 0..<count {
            let name = "svc-\(index)"
            if index % 10 == 0 {
                text += """
                      - name: \(name)
                        issuer: partner
                        client_id: \(name)
                        auth: {method: private_key_jwt, key_file: shared.pem, kid: k\(index % 7)}
                        scope: [read, write]
                        outputs: [{env: out/\(name).env}]

                    """
            } else {
                text += """
                      - name: \(name)
                        issuer: corp
                        client_id: \(name)
                        auth: *auth
                        scope: "read write"
                        resource: https://api.example.com/\(index % 50)
                        outputs: [{json: out/\(name).json}]

                    """
            }
        }
        text += "outputs:\n  - json: out/all.json\n"
        return text
    }

    @Test("10,000 clients: every diagnostic-free client loaded, each with its own fingerprint")
    func tenThousand() async throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        try ManifestTestSupport.write("shared-secret-value\n", to: "shared.secret", in: folder)
        try ManifestTestSupport.copyExampleKey("example-okta-es256.pem", as: "shared.pem", into: folder)
        // Seconds of CPU in a debug build: on a dedicated thread, so the
        // concurrency pool stays free for the timing-sensitive tests.
        let (result, elapsed) = try await onDedicatedThread { () -> (ManifestLoadResult?, Duration) in
            let text = Self.fleet(count: 10_000)
            let clock = ContinuousClock()
            var result: ManifestLoadResult?
            let elapsed = clock.measure {
                result = ManifestTestSupport.load(text, in: folder)
            }
            return (result, elapsed)
        }
        let loaded = try #require(result)
        #expect(loaded.diagnostics.map(\.summary) == [])
        #expect(loaded.manifest?.clients.count == 10_000)
        #expect(Set(loaded.manifest?.clients.map(\.fingerprint) ?? []).count == 10_000)
        // Speed is measured by Benchmarks/run (release build), not asserted here.
        print("validated 10,000 clients in \(elapsed) (debug build)")
    }
}
