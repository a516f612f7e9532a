import Foundation
import LocalIssuer
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import OAuthClient

/// The library's own keep-alive HTTP/1.1 connections to a token endpoint
/// (`Configuration.Options.directHTTP1Connections`): reuse, `Connection:
/// close`, the whole-exchange deadline, the body cap and HTTPS.
@Suite("Token requests over pooled HTTP/1.1 connections")
struct HTTP1PoolTests {
    static let token = #"{"access_token":"pooled","token_type":"Bearer","expires_in":60}"#

    /// Options for loopback plain HTTP through the pool.
    static func pooled(timeout: Duration = .seconds(10), maximumResponseBodySize: Int = 1 << 20) -> Configuration.Options {
        var options = Configuration.Options(timeout: timeout, allowInsecureHTTP: true, maximumResponseBodySize: maximumResponseBodySize)
        options.directHTTP1Connections = 2
        return options
    }

    /// One server configuration (so one pool) for `origin`'s `/token`.
    static func server(_ origin: String, options: Configuration.Options) -> ServerConfiguration {
        ServerConfiguration(serverMetadata: ServerMetadata(issuer: origin, tokenEndpoint: URL(string: origin + "/token")), options: options)
    }

    static func grant(_ server: ServerConfiguration, client: String = "c") async throws -> TokenEndpointResponse {
        try await clientCredentialsGrant(Configuration(server: server, clientID: client, clientAuthentication: .clientSecretBasic("s")))
    }

    @Test("grants one after another share one connection, and every request carries Host and Content-Length")
    func reusesTheConnection() async throws {
        let seen = NIOLockedValueBox<[ScriptedServer.Request]>([])
        try await withScriptedServer({ request in
            seen.withLockedValue { $0.append(request) }
            return .init(body: Self.token)
        }) { scripted in
            let server = Self.server(scripted.origin, options: Self.pooled())
            for index in 0..<5 {
                let response = try await Self.grant(server, client: "c\(index)")
                #expect(response.accessToken == "pooled")
            }
            let requests = seen.withLockedValue { $0 }
            #expect(requests.count == 5)
            #expect(Set(requests.map(\.clientPort)).count == 1, "ports: \(requests.map(\.clientPort))")
            for request in requests {
                #expect(request.method == "POST" && request.path == "/token")
                #expect(request.headers.first { $0.0.lowercased() == "host" }?.1 == "127.0.0.1:\(scripted.port)")
                #expect(request.headers.first { $0.0.lowercased() == "content-length" }?.1 == String(request.body.utf8.count))
                #expect(request.body == "grant_type=client_credentials")
            }
        }
    }

    @Test("an answer with Connection: close ends that connection: the next grant opens a new one")
    func connectionClose() async throws {
        let seen = NIOLockedValueBox<[Int]>([])
        try await withScriptedServer({ request in
            seen.withLockedValue { $0.append(request.clientPort) }
            return .init(headers: [("Content-Type", "application/json"), ("Connection", "close")], body: Self.token)
        }) { scripted in
            let server = Self.server(scripted.origin, options: Self.pooled())
            for _ in 0..<3 { _ = try await Self.grant(server) }
            let ports = seen.withLockedValue { $0 }
            #expect(ports.count == 3)
            #expect(Set(ports).count == 3, "ports: \(ports)")
        }
    }

    @Test("a body over the cap is refused as responseTooLarge, and the next grant still succeeds")
    func bodyCap() async throws {
        let big = NIOLockedValueBox(true)
        try await withScriptedServer({ _ in
            let body =
                big.withLockedValue { $0 }
                ? #"{"access_token":""# + String(repeating: "x", count: 4096) + #"","token_type":"Bearer"}"# : Self.token
            return .init(body: body)
        }) { scripted in
            let server = Self.server(scripted.origin, options: Self.pooled(maximumResponseBodySize: 1024))
            let error = try #require(await caught { try await Self.grant(server) } as? OAuthClientError)
            #expect(error.code == .responseTooLarge)
            big.withLockedValue { $0 = false }
            let response = try await Self.grant(server)
            #expect(response.accessToken == "pooled")
        }
    }

    @Test("the deadline covers the TLS handshake: a server that accepts and never speaks times out")
    func silentServerTimesOut() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        let origin = "https://127.0.0.1:\(listener.localAddress?.port ?? 0)"
        let server = Self.server(origin, options: Self.pooled(timeout: .milliseconds(300)))
        let error = await caught { try await Self.grant(server) } as? OAuthClientError
        try await listener.close()
        try await group.shutdownGracefully()
        #expect(error?.code == .timeout, "\(String(describing: error))")
        #expect(error?.description.contains(origin + "/token") == true)
    }

    /// The first grant of an `https:` endpoint learns the protocol alone; the
    /// others wait for its handshake, each only as long as its own timeout.
    @Test("a grant waiting for another's first TLS handshake times out on its own clock, while that one still waits")
    func waiterKeepsItsOwnDeadline() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let accepted = AsyncStream.makeStream(of: Void.self)
        // Accepts connections and never answers: no handshake ever completes.
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                accepted.continuation.yield()
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let origin = "https://127.0.0.1:\(listener.localAddress?.port ?? 0)"
        let server = Self.server(origin, options: Self.pooled(timeout: .seconds(30)))
        func grant(timeout: Duration) async throws -> TokenEndpointResponse {
            try await clientCredentialsGrant(
                Configuration(server: server, clientID: "c", clientAuthentication: .clientSecretBasic("s"), timeout: timeout))
        }
        let firstEnded = NIOLockedValueBox(false)
        let first = Task {
            defer { firstEnded.withLockedValue { $0 = true } }
            return await caught { try await grant(timeout: .seconds(30)) } as? OAuthClientError
        }
        // The first grant is connecting (its handshake pending) before the second starts.
        var connections = accepted.stream.makeAsyncIterator()
        _ = await connections.next()
        let second = await caught { try await grant(timeout: .milliseconds(300)) } as? OAuthClientError
        let firstStillWaiting = !firstEnded.withLockedValue { $0 }
        first.cancel()
        let firstError = await first.value
        try await listener.close()
        try await group.shutdownGracefully()
        #expect(second?.code == .timeout, "\(String(describing: second))")
        #expect(second?.description.contains("within 0.3 s") == true, "\(String(describing: second))")
        #expect(firstStillWaiting, "the second grant ended only when the first did")
        #expect(firstError?.code == .cancelled || firstError?.code == .timeout, "\(String(describing: firstError))")
    }

    @Test("HTTPS without ALPN: grants go over one kept-alive TLS connection, with the server certificate checked")
    func httpsKeepAlive() async throws {
        let pki = try TestPKI()
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.server.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.server.privateKeyPEM.utf8), format: .pem)))
        tls.applicationProtocols = []
        let ports = NIOLockedValueBox<[Int]>([])
        try await withScriptedServer(
            tls: try NIOSSLContext(configuration: tls),
            { request in
                ports.withLockedValue { $0.append(request.clientPort) }
                return .init(body: Self.token)
            }
        ) { scripted in
            var options = Self.pooled()
            options.additionalTrustRoots = [
                .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.certificateAuthority.certificatePEM.utf8)))
            ]
            let server = Self.server(scripted.origin, options: options)
            for _ in 0..<4 { _ = try await Self.grant(server) }
            let seen = ports.withLockedValue { $0 }
            #expect(seen.count == 4)
            #expect(Set(seen).count == 1, "ports: \(seen)")
        }
    }
}
