internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import OAuthClient

/// The endpoints and shared state of one running issuer; called on every event loop.
///
/// Everything here is immutable or internally locked, so connection handlers on
/// all threads share one instance.
final class IssuerCore: Sendable {
    /// The URLs of one running issuer, fixed once the listeners are bound.
    struct URLs: Sendable {
        let origin: String
        let issuer: String
        let tokenEndpoint: String
        let mtlsTokenEndpoint: String?
        let jwksURI: String
        let advertisedIssuer: String
    }

    /// The endpoint a path belongs to.
    enum Route {
        case discovery
        case jwks
        case token
        case notFound
    }

    let urls: URLs
    let fastMode: Bool
    let requireDPoPNonce: Bool
    let defaultExpiresIn: Int
    let hasMutualTLS: Bool
    let registry: ClientRegistry
    let statistics = StatisticsRecorder()
    let assertionReplay = ReplayCache()
    let dpopReplay = ReplayCache()
    let nonces: DPoPNonces
    let signer: AccessTokenSigner
    let tokenPath: String
    private let oidcDiscoveryPath: String
    private let oauthDiscoveryPath: String
    private let jwksPath: String
    private let metadataBody: String
    private let jwksBody: String

    init(
        configuration: LocalIssuer.Configuration,
        issuerPath: String,
        urls: URLs,
        registry: ClientRegistry,
        signer: AccessTokenSigner
    ) {
        self.urls = urls
        self.fastMode = configuration.fastMode
        self.requireDPoPNonce = configuration.requireDPoPNonce
        self.defaultExpiresIn = configuration.defaultExpiresIn
        self.hasMutualTLS = urls.mtlsTokenEndpoint != nil
        self.registry = registry
        self.signer = signer
        self.nonces = DPoPNonces(now: Date().timeIntervalSince1970)
        self.tokenPath = issuerPath + "/token"
        self.oidcDiscoveryPath = issuerPath + "/.well-known/openid-configuration"
        self.oauthDiscoveryPath = "/.well-known/oauth-authorization-server" + issuerPath
        self.jwksPath = issuerPath + "/jwks"
        self.metadataBody = Discovery.metadata(urls: urls).jsonText
        self.jwksBody = JSONValue.object(["keys": .array([signer.publicJWK])]).jsonText
    }

    /// Maps a request path (without query) to its endpoint.
    func route(_ path: String) -> Route {
        if path == tokenPath { return .token }
        if path == oidcDiscoveryPath || path == oauthDiscoveryPath { return .discovery }
        if path == jwksPath { return .jwks }
        return .notFound
    }

    /// Answers one complete request.
    func handle(_ request: IncomingRequest, route: Route) -> Reply {
        var reply: Reply
        switch route {
        case .token:
            reply = tokenEndpoint(request, now: Date().timeIntervalSince1970)
        case .discovery, .jwks:
            if request.method == .GET {
                reply = Reply(.json(.ok, route == .jwks ? jwksBody : metadataBody))
            } else {
                reply = Reply(
                    .json(.methodNotAllowed, #"{"error":"invalid_request","error_description":"Use GET."}"#, headers: [("Allow", "GET")]))
            }
        case .notFound:
            reply = Reply(.json(.notFound, #"{"error":"not_found","error_description":"No endpoint at this path."}"#))
        }
        if requireDPoPNonce {
            let nonce = nonces.current(now: Date().timeIntervalSince1970)
            switch reply.action {
            case .respond(var response):
                response.headers.append(("DPoP-Nonce", nonce))
                reply.action = .respond(response)
            case .streamForever(var response, let interval):
                response.headers.append(("DPoP-Nonce", nonce))
                reply.action = .streamForever(response, chunkInterval: interval)
            case .closeConnection:
                break
            }
        }
        return reply
    }
}
