import Foundation
import Testing

/// The token endpoint's protocol as a real nginx sees it: HTTP/2 where it
/// offers `h2` by ALPN, keep-alive HTTP/1.1 where it does not.
@Suite("HTTP/2 and HTTP/1.1 token endpoints (built binary, real nginx)")
struct HTTP2EndToEndTests {
    @Test("grants to an h2 endpoint multiplex over one connection: every request is HTTP/2.0 on the same nginx connection")
    func multiplexes() async throws {
        let harness = try RunHarness()
        let nginx = try await NginxTokenEndpoint(harness: harness, listen: "ssl http2")
        let count = 40
        let requests = try await nginx.run(nginx.manifest(clients: count, concurrency: 16), clients: count, in: harness)
        #expect(requests.allSatisfy { $0.protocolName == "HTTP/2.0" })
        #expect(Set(requests.map(\.connection)).count == 1, "connections: \(Set(requests.map(\.connection)))")
    }

    @Test(
        "an HTTPS endpoint without h2 gets keep-alive HTTP/1.1: connections are reused, never more than --concurrency, and one the server closes after 3 requests is replaced without a failure"
    )
    func keepAliveHTTP1() async throws {
        let harness = try RunHarness()
        let nginx = try await NginxTokenEndpoint(harness: harness, listen: "ssl", directives: "keepalive_requests 3;")
        let count = 30
        // One try per client: a request sent on a connection the server had closed would fail the run.
        let manifest = nginx.manifest(clients: count, concurrency: 2)
            .replacingOccurrences(of: "defaults: {concurrency: 2}", with: "defaults: {concurrency: 2, retry: {attempts: 1}}")
        let requests = try await nginx.run(manifest, clients: count, in: harness)
        #expect(requests.allSatisfy { $0.protocolName == "HTTP/1.1" })
        // nginx answers the 3rd request of a connection with `Connection: close`:
        // every connection carried at most 3, and (reused, not one per grant)
        // most carried exactly 3.
        var perConnection: [String: Int] = [:]
        for request in requests { perConnection[request.connection, default: 0] += 1 }
        #expect(perConnection.values.allSatisfy { $0 <= 3 }, "\(perConnection)")
        #expect(perConnection.count <= count / 3 + 2, "\(perConnection.count) connections for \(count) requests")
    }
}
