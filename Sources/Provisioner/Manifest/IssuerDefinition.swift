/// How an issuer's endpoints are found.
public enum DiscoveryMode: String, Sendable, Hashable, CaseIterable {
    /// OpenID Connect discovery first, then RFC 8414 on 404.
    case auto
    /// Only `/.well-known/openid-configuration`.
    case oidc
    /// Only RFC 8414 `/.well-known/oauth-authorization-server`.
    case oauth2
    /// No discovery: the issuer gives `token_endpoint` itself.
    case none
}

/// One authorization server from the manifest's `issuers` mapping.
public struct IssuerDefinition: Sendable {
    /// The key under `issuers`, referenced by clients' `issuer:`.
    public var name: String
    /// The issuer identifier for discovery (and the default assertion audience), if given.
    public var issuer: String?
    /// The token endpoint when discovery is `none`.
    public var tokenEndpoint: String?
    /// How endpoints are found; `none` whenever `token_endpoint` is given.
    public var discovery: DiscoveryMode
    /// Absolute path of extra PEM trust anchors (`ca_file`).
    public var caFile: String?
    /// Grants in flight against this issuer at most (`max_concurrency`); nil means only the global limit.
    public var maxConcurrency: Int?
    /// Request rate cap (`rate_limit`).
    public var rateLimit: RateLimit?
    /// Whether plain `http:` URLs are allowed (`allow_insecure_http`).
    public var allowInsecureHTTP: Bool
    /// `defaults` with this issuer's overrides applied (clients may override further).
    public var settings: EffectiveSettings
    /// Where the issuer is defined.
    public var location: SourceLocation

    /// The identifier the runner reports and uses as assertion audience: the
    /// issuer URL, or the token endpoint when there is none.
    public var identifier: String { issuer ?? tokenEndpoint ?? "" }

    /// Creates an issuer definition.
    public init(
        name: String, issuer: String?, tokenEndpoint: String?, discovery: DiscoveryMode, caFile: String? = nil,
        maxConcurrency: Int? = nil, rateLimit: RateLimit? = nil, allowInsecureHTTP: Bool = false,
        settings: EffectiveSettings = Defaults.builtIn.settings, location: SourceLocation
    ) {
        self.name = name
        self.issuer = issuer
        self.tokenEndpoint = tokenEndpoint
        self.discovery = discovery
        self.caFile = caFile
        self.maxConcurrency = maxConcurrency
        self.rateLimit = rateLimit
        self.allowInsecureHTTP = allowInsecureHTTP
        self.settings = settings
        self.location = location
    }
}
