import Foundation
import LocalIssuer
import Testing

@Suite("Statistics")
struct StatisticsTests {
    @Test("Counts paths, clients, discovery, methods; tracks the in-flight maximum; resets")
    func counters() async throws {
        let clients = [
            RegisteredClient(id: "slow", authentication: .clientSecretBasic(secret: "s"), faults: [.waitForConcurrentRequests(count: 6)]),
            RegisteredClient(id: "fast", authentication: .clientSecretPost(secret: "s")),
        ]
        try await withIssuer(.init(clients: clients)) { issuer in
            _ = try await HTTP.get(issuer.issuer + "/.well-known/openid-configuration")
            _ = try await HTTP.get(issuer.issuer + "/.well-known/oauth-authorization-server")
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await HTTP.postForm(
                            issuer.tokenEndpoint, [clientCredentials], headers: [("Authorization", Form.basic("slow", "s"))]
                        ).status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            _ = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("client_id", "fast"), ("client_secret", "s")])
            _ = try await HTTP.postForm(issuer.tokenEndpoint, [clientCredentials, ("client_id", "fast"), ("client_secret", "bad")])

            let stats = issuer.statistics()
            #expect(stats.discoveryRequests == 2)
            #expect(stats.maxConcurrentTokenRequests == 6)
            #expect(stats.tokenRequestsByClient == ["slow": 6, "fast": 2])
            #expect(stats.tokensIssuedByClient == ["slow": 6, "fast": 1])
            #expect(stats.requestsByPath["/token"] == 8)
            #expect(stats.requestsByPath["/.well-known/openid-configuration"] == 1)
            #expect(stats.totalRequests == 10)
            #expect(stats.authenticationMethodByClient == ["slow": .clientSecretBasic, "fast": .clientSecretPost])

            issuer.resetStatistics()
            #expect(issuer.statistics() == Statistics())
        }
    }
}
