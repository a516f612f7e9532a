public import AsyncHTTPClient
public import NIOSSL
public import Foundation
import NIOCore
import NIOHTTP1

/// Everything needed to ask one authorization server for tokens as one
/// client: the counterpart of openid-client's `Configuration`.
///
/// Build it from known metadata or with `discovery(issuer:…)`. What every
/// request needs (endpoint checks, the Basic header, the assertion header,
/// the TLS configuration) is computed once here, not per grant.
public struct Configuration: Sendable, CustomStringConvertible, CustomReflectable {
    /// Knobs with safe defaults.
    public struct Options: Sendable {
        /// The whole-request timeout (connect, send, answer, body). Default 10 s.
        public var timeout: Duration
        /// Allow `http:` endpoints (local testing only). Default false.
        public var allowInsecureHTTP: Bool
        /// The largest answer body accepted, enforced while reading. Default 1 MiB.
        public var maximumResponseBodySize: Int
        /// Added to the local clock for `iat`/`nbf`/`exp` of assertions and DPoP proofs.
        public var clockSkew: Duration
        /// CA certificates trusted in addition to the system trust store.
        public var additionalTrustRoots: [NIOSSLAdditionalTrustRoots]
        /// The `User-Agent` header. Default `tokensmith/<version>`.
        public var userAgent: String
        /// Fail (instead of warn) when a DPoP proof was sent but a Bearer token came back.
        public var strict: Bool
        /// The proxy the HTTP client sends through, named in transport errors;
        /// it does not choose the proxy (the client does). Default nil (direct).
        public var proxy: ProxyServer? = nil
        /// When set, token requests of clients without a TLS identity go over
        /// the library's own keep-alive HTTP/1.1 connections (at most this many
        /// kept open) instead of the HTTP client, unless the server offers
        /// HTTP/2. Only for requests sent direct, never through a proxy.
        package var directHTTP1Connections: Int? = nil

        /// Options with the defaults.
        public init(
            timeout: Duration = .seconds(10),
            allowInsecureHTTP: Bool = false,
            maximumResponseBodySize: Int = 1 << 20,
            clockSkew: Duration = .zero,
            additionalTrustRoots: [NIOSSLAdditionalTrustRoots] = [],
            userAgent: String = "tokensmith/\(OAuthClientVersion.current)",
            strict: Bool = false
        ) {
            self.timeout = timeout
            self.allowInsecureHTTP = allowInsecureHTTP
            self.maximumResponseBodySize = maximumResponseBodySize
            self.clockSkew = clockSkew
            self.additionalTrustRoots = additionalTrustRoots
            self.userAgent = userAgent
            self.strict = strict
        }

        var timeAmount: TimeAmount {
            let (seconds, attoseconds) = timeout.components
            return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        }

        /// Local time plus the configured skew, in whole seconds since 1970.
        func now() -> Int {
            Int(Date().timeIntervalSince1970) + Int(clockSkew.components.seconds)
        }

        /// The TLS configuration for requests: system roots plus the extra ones, and an mTLS identity.
        func tlsConfiguration(identity: TLSClientIdentity?) -> TLSConfiguration {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.additionalTrustRoots = additionalTrustRoots
            if let identity {
                tls.certificateChain = identity.certificateChain.map { .certificate($0) }
                tls.privateKey = .privateKey(identity.privateKey.value)
            }
            return tls
        }
    }

    /// What this configuration shares with every other client of its server.
    public let server: ServerConfiguration
    /// The server's metadata.
    public var serverMetadata: ServerMetadata { server.serverMetadata }
    /// The client identifier.
    public let clientID: String
    /// How the client authenticates.
    public let clientAuthentication: ClientAuthentication
    /// The options: the server's, with this client's timeout.
    public let options: Options
    /// The HTTP client requests go through.
    public var httpClient: HTTPClient { server.httpClient }
    let prepared: Prepared

    /// A configuration for known metadata.
    ///
    /// - Parameter httpClient: must not follow redirects; `OAuthHTTP.shared` by default.
    public init(
        serverMetadata: ServerMetadata,
        clientID: String,
        clientAuthentication: ClientAuthentication,
        options: Options = .init(),
        httpClient: HTTPClient = OAuthHTTP.shared
    ) {
        self.init(
            server: ServerConfiguration(serverMetadata: serverMetadata, options: options, httpClient: httpClient),
            clientID: clientID, clientAuthentication: clientAuthentication)
    }

    /// A configuration for one client of a server whose shared part is already
    /// prepared: a batch of many clients of one server checks its endpoints
    /// and builds its TLS configuration once.
    ///
    /// - Parameter timeout: this client's whole-request timeout; the server options' by default.
    public init(server: ServerConfiguration, clientID: String, clientAuthentication: ClientAuthentication, timeout: Duration? = nil) {
        var options = server.options
        if let timeout { options.timeout = timeout }
        self.server = server
        self.clientID = clientID
        self.clientAuthentication = clientAuthentication
        self.options = options
        self.prepared = Prepared(server: server, clientID: clientID, clientAuthentication: clientAuthentication, options: options)
    }

    /// The token endpoint requests go to (the mTLS alias for the mTLS methods, when the metadata has one).
    public var tokenEndpoint: URL? {
        if clientAuthentication.tlsIdentity != nil, let alias = serverMetadata.mtlsEndpointAliases["token_endpoint"] {
            return alias
        }
        return serverMetadata.tokenEndpoint
    }

    /// `Configuration(issuer: …, client: …, private_key_jwt)`.
    public var description: String {
        "Configuration(issuer: \(serverMetadata.issuer), client: \(clientID), \(clientAuthentication.methodName))"
    }

    /// A mirror without the precomputed request headers (they hold the Basic credentials).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "serverMetadata": serverMetadata, "clientID": clientID,
                "clientAuthentication": clientAuthentication, "options": options,
            ], displayStyle: .struct)
    }
}

/// What every client of one authorization server shares: its metadata, the
/// options, the HTTP client, and what is computed from them once — the checked
/// token endpoint and mTLS alias, the common request headers, the TLS
/// configuration of clients without a certificate.
public final class ServerConfiguration: Sendable, CustomStringConvertible {
    /// The server's metadata.
    public let serverMetadata: ServerMetadata
    /// The options every client of this server starts from.
    public let options: Configuration.Options
    /// The HTTP client requests go through; must not follow redirects.
    public let httpClient: HTTPClient
    let tokenEndpoint: Result<Endpoint, OAuthClientError>
    /// The RFC 8705 `mtls_endpoint_aliases.token_endpoint`, checked; nil when the metadata has none.
    let mtlsTokenEndpoint: Result<Endpoint, OAuthClientError>?
    /// Content type, accept and user agent.
    let baseHeaders: HTTPHeaders
    /// System roots plus the extra ones, pinned even when they add nothing,
    /// so that a caller's HTTP client with verification off cannot weaken it.
    let tlsConfiguration: TLSConfiguration
    /// The keep-alive HTTP/1.1 connections to the token endpoint, when the options ask for them.
    let http1Pool: HTTP1Pool?

    /// Prepares the shared part of every client configuration of this server.
    public init(serverMetadata: ServerMetadata, options: Configuration.Options = .init(), httpClient: HTTPClient = OAuthHTTP.shared) {
        self.serverMetadata = serverMetadata
        self.options = options
        self.httpClient = httpClient
        func checked(_ url: URL) -> Result<Endpoint, OAuthClientError> {
            Result { () throws(OAuthClientError) in try Endpoint(url, allowInsecureHTTP: options.allowInsecureHTTP, role: "token endpoint")
            }
        }
        if let url = serverMetadata.tokenEndpoint {
            self.tokenEndpoint = checked(url)
        } else {
            self.tokenEndpoint = .failure(
                OAuthClientError(
                    .missingTokenEndpoint, "the metadata of issuer \(serverMetadata.issuer) has no token_endpoint; configure it explicitly",
                    endpoint: serverMetadata.issuer))
        }
        self.mtlsTokenEndpoint = serverMetadata.mtlsEndpointAliases["token_endpoint"].map(checked)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded;charset=UTF-8")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: options.userAgent)
        self.baseHeaders = headers
        self.tlsConfiguration = options.tlsConfiguration(identity: nil)
        if let connections = options.directHTTP1Connections, options.proxy == nil, case .success(let endpoint) = tokenEndpoint,
            HTTP1Pool.supports(httpClient.eventLoopGroup)
        {
            self.http1Pool = HTTP1Pool(
                endpoint: endpoint, tlsConfiguration: tlsConfiguration, group: httpClient.eventLoopGroup, idleLimit: connections)
        } else {
            self.http1Pool = nil
        }
    }

    /// `ServerConfiguration(issuer: …)`.
    public var description: String { "ServerConfiguration(issuer: \(serverMetadata.issuer))" }
}

/// Per-configuration values computed once.
final class Prepared: Sendable {
    let tokenEndpoint: Result<Endpoint, OAuthClientError>
    let baseHeaders: HTTPHeaders
    let tlsConfiguration: TLSConfiguration?
    /// The server's HTTP/1.1 connections, for a client without a TLS identity.
    let http1Pool: HTTP1Pool?
    let timeout: TimeAmount
    /// The JSON claims prefix of assertions: `{"aud":…,"iss":…,"sub":…`.
    let assertionClaimsPrefix: String?
    let assertionHeaderSegment: String?

    init(server: ServerConfiguration, clientID: String, clientAuthentication: ClientAuthentication, options: Configuration.Options) {
        let identity = clientAuthentication.tlsIdentity
        let endpoint = identity != nil ? server.mtlsTokenEndpoint ?? server.tokenEndpoint : server.tokenEndpoint
        self.tokenEndpoint = endpoint
        var headers = server.baseHeaders
        if case .clientSecretBasic(let secret) = clientAuthentication.method {
            let credentials = FormEncoding.encode(clientID) + ":" + FormEncoding.encode(secret.value)
            headers.add(name: "Authorization", value: "Basic " + Base64URL.encodeStandard(Array(credentials.utf8)))
        }
        self.baseHeaders = headers
        self.timeout = options.timeAmount
        self.tlsConfiguration = identity == nil ? server.tlsConfiguration : options.tlsConfiguration(identity: identity)
        self.http1Pool = identity == nil ? server.http1Pool : nil
        let serverMetadata = server.serverMetadata

        switch clientAuthentication.method {
        case .clientSecretJWT(let key, let assertionOptions), .privateKeyJWT(let key, let assertionOptions):
            let audience: String
            switch assertionOptions.audience {
            case .issuer: audience = serverMetadata.issuer
            case .tokenEndpoint: audience = (try? endpoint.get().url) ?? serverMetadata.issuer
            case .custom(let value): audience = value
            }
            var header: [(String, String)] = [("alg", JWS.quoted(key.algorithm.rawValue))]
            if let kid = assertionOptions.keyID ?? key.keyID { header.append(("kid", JWS.quoted(kid))) }
            if let thumbprint = assertionOptions.certificateThumbprint {
                if thumbprint.headers.contains(.sha1) { header.append(("x5t", JWS.quoted(thumbprint.sha1))) }
                if thumbprint.headers.contains(.sha256) { header.append(("x5t#S256", JWS.quoted(thumbprint.sha256))) }
            }
            self.assertionHeaderSegment = JWS.segment(JWS.header(header))
            let quotedClientID = JWS.quoted(clientID)
            self.assertionClaimsPrefix = "{\"aud\":\(JWS.quoted(audience)),\"iss\":\(quotedClientID),\"sub\":\(quotedClientID)"
        default:
            self.assertionHeaderSegment = nil
            self.assertionClaimsPrefix = nil
        }
    }
}
