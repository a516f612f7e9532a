import Foundation
import LocalIssuer
import NIOSSL
import OAuthClient

/// Starts a LocalIssuer for one test and always shuts it down.
func withLocalIssuer<Result>(
    _ configuration: LocalIssuer.Configuration = .init(),
    _ body: (LocalIssuer) async throws -> Result
) async throws -> Result {
    var configuration = configuration
    configuration.eventLoopThreads = 1
    let issuer = try await LocalIssuer.start(configuration)
    do {
        let result = try await body(issuer)
        try await issuer.shutdown()
        return result
    } catch {
        try? await issuer.shutdown()
        throw error
    }
}

/// Runs `body` against a scripted server and always shuts it down.
func withScriptedServer<Result>(
    tls: NIOSSLContext? = nil,
    _ handler: @escaping ScriptedServer.Handler,
    _ body: (ScriptedServer) async throws -> Result
) async throws -> Result {
    let server = try await ScriptedServer.start(tls: tls, handler)
    do {
        let result = try await body(server)
        try await server.shutdown()
        return result
    } catch {
        try? await server.shutdown()
        throw error
    }
}

/// Options for plain-http loopback tests.
let insecureOptions = Configuration.Options(allowInsecureHTTP: true)

/// A configuration for the local issuer's token endpoint without discovery.
func configuration(
    _ issuer: LocalIssuer, clientID: String, authentication: ClientAuthentication,
    options: Configuration.Options = insecureOptions
) -> Configuration {
    Configuration(
        serverMetadata: ServerMetadata(issuer: issuer.issuer, tokenEndpoint: URL(string: issuer.tokenEndpoint)),
        clientID: clientID, clientAuthentication: authentication, options: options
    )
}

/// A configuration for a scripted server's `/token`.
func configuration(_ server: ScriptedServer, options: Configuration.Options = insecureOptions) -> Configuration {
    Configuration(
        serverMetadata: ServerMetadata(issuer: server.origin, tokenEndpoint: URL(string: server.origin + "/token")),
        clientID: "scripted", clientAuthentication: .clientSecretPost("s"), options: options
    )
}

/// The error a throwing call produced, or nil.
func caught(_ body: () async throws -> some Any) async -> (any Error)? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

/// Runs blocking or CPU-heavy work (RSA key generation) on a new thread and
/// awaits it, so the Swift concurrency pool — two threads on a 2-core
/// machine — stays free for the timing-sensitive tests.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
}
