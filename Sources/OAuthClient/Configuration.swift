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

    /// The server's metadata.
    public let serverMetadata: ServerMetadata
    /// The client identifier.
    public let clientID: String
    /// How the client authenticates.
    public let clientAuthentication: ClientAuthentication
    /// The options.
    public let options: Options
    /// The HTTP client requests go through.
    public let httpClient: HTTPClient
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
        self.serverMetadata = serverMetadata
        self.clientID = clientID
        self.clientAuthentication = clientAuthentication
        self.options = options
        self.httpClient = httpClient
        self.prepared = Prepared(serverMetadata: serverMetadata, clientID: clientID, clientAuthentication: clientAuthentication, options: options)
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
        Mirror(self, children: [
            "serverMetadata": serverMetadata, "clientID": clientID,
            "clientAuthentication": clientAuthentication, "options": options,
        ], displayStyle: .struct)
    }
}

/// Per-configuration values computed once.
final class Prepared: Sendable {
    let tokenEndpoint: Result<Endpoint, OAuthClientError>
    let baseHeaders: HTTPHeaders
    let tlsConfiguration: TLSConfiguration?
    let timeout: TimeAmount
    /// The JSON claims prefix of assertions: `{"aud":…,"iss":…,"sub":…`.
    let assertionClaimsPrefix: String?
    let assertionHeaderSegment: String?

    init(serverMetadata: ServerMetadata, clientID: String, clientAuthentication: ClientAuthentication, options: Configuration.Options) {
        let identity = clientAuthentication.tlsIdentity
        let endpointURL: URL?
        if identity != nil, let alias = serverMetadata.mtlsEndpointAliases["token_endpoint"] {
            endpointURL = alias
        } else {
            endpointURL = serverMetadata.tokenEndpoint
        }
        let endpoint: Result<Endpoint, OAuthClientError>
        if let endpointURL {
            do {
                endpoint = .success(try Endpoint.checked(endpointURL, allowInsecureHTTP: options.allowInsecureHTTP, role: "token endpoint"))
            } catch {
                endpoint = .failure(error)
            }
        } else {
            endpoint = .failure(OAuthClientError(.missingTokenEndpoint, "the metadata of issuer \(serverMetadata.issuer) has no token_endpoint; configure it explicitly", endpoint: serverMetadata.issuer))
        }
        self.tokenEndpoint = endpoint

        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded;charset=UTF-8")
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: options.userAgent)
        if case .clientSecretBasic(let secret) = clientAuthentication.method {
            let credentials = FormEncoding.encode(clientID) + ":" + FormEncoding.encode(secret.value)
            headers.add(name: "Authorization", value: "Basic " + Base64URL.encodeStandard(Array(credentials.utf8)))
        }
        self.baseHeaders = headers
        self.timeout = options.timeAmount
        if identity != nil || !options.additionalTrustRoots.isEmpty {
            self.tlsConfiguration = options.tlsConfiguration(identity: identity)
        } else {
            // Pinned anyway, so that a caller's client with verification off cannot weaken it.
            self.tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        }

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
