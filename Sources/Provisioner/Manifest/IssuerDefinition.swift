public import Foundation
public import OAuthClient

/// Where an issuer's token endpoint comes from.
public enum IssuerEndpoint: Sendable, Hashable {
    /// The server metadata is discovered from the issuer identifier.
    case discovery(issuer: URL, mode: DiscoveryMode)
    /// A fixed token endpoint (`token_endpoint`, discovery off); `issuer`, when
    /// given, is the identifier assertions name as their audience.
    case tokenEndpoint(URL, issuer: URL?)

    /// The issuer identifier, when the manifest gives one.
    public var issuer: URL? {
        switch self {
        case .discovery(let issuer, _): issuer
        case .tokenEndpoint(_, let issuer): issuer
        }
    }

    /// The manifest's `discovery` value: `auto`, `oidc`, `oauth2`, or `none` for a fixed endpoint.
    public var discoveryName: String {
        switch self {
        case .discovery(_, let mode): mode.rawValue
        case .tokenEndpoint: "none"
        }
    }

    /// Every value the manifest's `discovery` key takes.
    public static let discoveryNames = DiscoveryMode.allCases.map(\.rawValue) + ["none"]
}

/// One authorization server from the manifest's `issuers` mapping.
public struct IssuerDefinition: Sendable {
    /// The key under `issuers`, referenced by clients' `issuer:`.
    public var name: String
    /// How the token endpoint is found.
    public var endpoint: IssuerEndpoint
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

    /// Creates an issuer definition.
    public init(
        name: String, endpoint: IssuerEndpoint, caFile: String? = nil, maxConcurrency: Int? = nil, rateLimit: RateLimit? = nil,
        allowInsecureHTTP: Bool = false, settings: EffectiveSettings = Defaults.builtIn.settings, location: SourceLocation
    ) {
        self.name = name
        self.endpoint = endpoint
        self.caFile = caFile
        self.maxConcurrency = maxConcurrency
        self.rateLimit = rateLimit
        self.allowInsecureHTTP = allowInsecureHTTP
        self.settings = settings
        self.location = location
    }
}
