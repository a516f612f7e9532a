internal import Foundation
internal import NIOConcurrencyHelpers
internal import NIOCore
internal import NIOPosix
internal import NIOHTTP1
internal import NIOSSL
internal import X509
internal import SwiftASN1

/// A real OAuth 2.0 authorization server on 127.0.0.1 for tests, benchmarks and demos.
///
/// It implements the client credentials grant with every client authentication method
/// tokensmith supports, DPoP, mutual TLS, RFC 8414 / OIDC discovery and a JWKS, and
/// verifies each of them for real, so a client that gets a detail wrong is refused.
/// Per-client ``Fault``s make it misbehave on purpose, and ``Statistics`` record what
/// clients actually sent.
///
/// ```swift
/// let issuer = try await LocalIssuer.start(.init(clients: [
///     RegisteredClient(id: "svc", authentication: .clientSecretBasic(secret: "s")),
/// ]))
/// defer { Task { try await issuer.shutdown() } }
/// ```
public final class LocalIssuer: Sendable {
    /// The issuer identifier, such as `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT/realms/prod`.
    public let issuer: String
    /// The token endpoint URL on the main listener.
    public let tokenEndpoint: String
    /// The token endpoint URL on the mutual-TLS listener, when one is configured.
    public let mtlsTokenEndpoint: String?
    /// The JWKS URL that publishes the access-token signing key.
    public let jwksURI: String
    /// The main listener's port.
    public let port: Int
    /// The mutual-TLS listener's port, when one is configured.
    public let mtlsPort: Int?

    private let core: IssuerCore
    private let group: MultiThreadedEventLoopGroup
    private let channels: [any Channel]
    private let stopped = NIOLockedValueBox(false)

    private init(core: IssuerCore, group: MultiThreadedEventLoopGroup, channels: [any Channel], port: Int, mtlsPort: Int?) {
        self.core = core
        self.group = group
        self.channels = channels
        self.issuer = core.urls.issuer
        self.tokenEndpoint = core.urls.tokenEndpoint
        self.mtlsTokenEndpoint = core.urls.mtlsTokenEndpoint
        self.jwksURI = core.urls.jwksURI
        self.port = port
        self.mtlsPort = mtlsPort
    }

    /// The discovery URLs: OIDC (`<issuer>/.well-known/openid-configuration`) and RFC 8414 (path inserted).
    public var discoveryURLs: (openIDConfiguration: String, oauthAuthorizationServer: String) {
        let path = String(issuer.dropFirst(core.urls.origin.count))
        return (issuer + "/.well-known/openid-configuration", core.urls.origin + "/.well-known/oauth-authorization-server" + path)
    }

    /// Binds the listeners on 127.0.0.1 and starts serving; returns once requests are accepted.
    public static func start(_ configuration: Configuration) async throws -> LocalIssuer {
        var issuerPath = configuration.issuerPath
        while issuerPath.hasSuffix("/") { issuerPath.removeLast() }
        if !issuerPath.isEmpty, !issuerPath.hasPrefix("/") { issuerPath = "/" + issuerPath }
        guard !issuerPath.contains("?"), !issuerPath.contains("#") else {
            throw LocalIssuerError("The issuer path must not contain a query or fragment.")
        }
        if configuration.mutualTLS != nil, configuration.tls == nil {
            throw LocalIssuerError("The mTLS listener needs the server certificate and key: set `tls` too.")
        }
        let signer = try AccessTokenSigner(pem: configuration.signingKeyPEM)
        let serverContext = try configuration.tls.map { try makeServerContext($0, clientCA: nil) }
        let clientCAs = try configuration.mutualTLS.map { try parseCertificates($0.clientCAPEM, what: "client CA") }
        let mtlsContext = try configuration.mutualTLS.map { mtls in
            try makeServerContext(configuration.tls!, clientCA: try NIOSSLCertificate.fromPEMBytes(Array(mtls.clientCAPEM.utf8)))
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads ?? System.coreCount))
        let slot = CoreSlot()
        var channels: [any Channel] = []
        do {
            let main = try await bind(
                group: group, port: configuration.port, slot: slot, listener: .main, tls: serverContext, clientCAs: nil)
            channels.append(main)
            var mtlsChannel: (any Channel)?
            if let mtlsContext, let mtls = configuration.mutualTLS {
                let channel = try await bind(
                    group: group, port: mtls.port, slot: slot, listener: .mutualTLS, tls: mtlsContext, clientCAs: clientCAs)
                channels.append(channel)
                mtlsChannel = channel
            }
            let port = main.localAddress?.port ?? configuration.port
            let mtlsPort = mtlsChannel.flatMap { $0.localAddress?.port }
            let scheme = configuration.tls == nil ? "http" : "https"
            let origin = "\(scheme)://127.0.0.1:\(port)"
            let issuer = origin + issuerPath
            let urls = IssuerCore.URLs(
                origin: origin,
                issuer: issuer,
                tokenEndpoint: issuer + "/token",
                mtlsTokenEndpoint: mtlsPort.map { "https://127.0.0.1:\($0)\(issuerPath)/token" },
                jwksURI: issuer + "/jwks",
                advertisedIssuer: configuration.serveWrongIssuer ? origin + "/wrong-issuer" : issuer
            )
            let registry = ClientRegistry()
            registry.register(configuration.clients)
            let core = IssuerCore(configuration: configuration, issuerPath: issuerPath, urls: urls, registry: registry, signer: signer)
            slot.set(core)
            return LocalIssuer(core: core, group: group, channels: channels, port: port, mtlsPort: mtlsPort)
        } catch {
            for channel in channels { try? await channel.close() }
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Registers a client, replacing any client with the same id (and resetting its faults).
    public func register(_ client: RegisteredClient) {
        core.registry.register(CollectionOfOne(client))
    }

    /// Registers many clients at once, cheaply (benchmarks register tens of thousands).
    public func register(_ clients: [RegisteredClient]) {
        core.registry.register(clients)
    }

    /// A snapshot of the counters.
    public func statistics() -> Statistics {
        core.statistics.snapshot()
    }

    /// Zeroes the counters (requests still in flight keep counting towards the maximum).
    public func resetStatistics() {
        core.statistics.reset()
    }

    /// Closes the listeners and every open connection, and stops the event loops. Safe to call twice.
    public func shutdown() async throws {
        let alreadyStopped = stopped.withLockedValue { value in
            defer { value = true }
            return value
        }
        guard !alreadyStopped else { return }
        for channel in channels {
            try? await channel.close()
        }
        try await group.shutdownGracefully()
    }

    private static func parseCertificates(_ pem: String, what: String) throws -> [Certificate] {
        let documents = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        guard !documents.isEmpty else { throw LocalIssuerError("The \(what) PEM contains no certificate.") }
        return try documents.map { try Certificate(derEncoded: try $0.toDERBytes()) }
    }

    private static func makeServerContext(_ tls: Configuration.TLS, clientCA: [NIOSSLCertificate]?) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(tls.certificateChainPEM.utf8))
            key = try NIOSSLPrivateKey(bytes: Array(tls.privateKeyPEM.utf8), format: .pem)
        } catch {
            throw LocalIssuerError("The TLS certificate chain or private key is not valid PEM.")
        }
        guard !chain.isEmpty else { throw LocalIssuerError("The TLS certificate chain PEM contains no certificate.") }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        if let clientCA {
            configuration.trustRoots = .certificates(clientCA)
            configuration.certificateVerification = .optionalVerification
            configuration.sendCANameList = true
        }
        return try NIOSSLContext(configuration: configuration)
    }

    private static func bind(
        group: MultiThreadedEventLoopGroup,
        port: Int,
        slot: CoreSlot,
        listener: Listener,
        tls: NIOSSLContext?,
        clientCAs: [Certificate]?
    ) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let core = slot.get() else {
                        throw LocalIssuerError("The issuer is still starting.")
                    }
                    var peer: PeerCertificateBox?
                    if let tls {
                        if let clientCAs {
                            let box = PeerCertificateBox()
                            peer = box
                            let handler = NIOSSLServerHandler(context: tls) { certificates, promise in
                                MutualTLSVerification.verify(
                                    certificates, clientCAs: clientCAs, into: box, on: channel.eventLoop, promise: promise)
                            }
                            try channel.pipeline.syncOperations.addHandler(handler)
                        } else {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                        }
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(core: core, listener: listener, peer: peer))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
    }
}

/// Holds the core once the listeners are bound and the URLs are known.
final class CoreSlot: Sendable {
    private let core = NIOLockedValueBox<IssuerCore?>(nil)

    func set(_ value: IssuerCore) {
        core.withLockedValue { $0 = value }
    }

    func get() -> IssuerCore? {
        core.withLockedValue { $0 }
    }
}
