package import Foundation
package import OAuthClient

/// Where an issuer's token endpoint comes from.
package enum IssuerEndpoint: Sendable, Hashable {
    /// The server metadata is discovered from the issuer identifier.
    case discovery(issuer: URL, mode: DiscoveryMode)
    /// A fixed token endpoint (`token_endpoint`, discovery off); `issuer`, when
    /// given, is the identifier assertions name as their audience.
    case tokenEndpoint(URL, issuer: URL?)

    /// The issuer identifier, when the manifest gives one.
    package var issuer: URL? {
        switch self {
        case .discovery(let issuer, _): issuer
        case .tokenEndpoint(_, let issuer): issuer
        }
    }

    /// The URL that decides the issuer's proxy: the token endpoint when
    /// fixed, else the issuer identifier (discovery).
    package var requestURL: URL {
        switch self {
        case .discovery(let issuer, _): issuer
        case .tokenEndpoint(let endpoint, _): endpoint
        }
    }

    /// The manifest's `discovery` value: `auto`, `oidc`, `oauth2`, or `none` for a fixed endpoint.
    package var discoveryName: String {
        switch self {
        case .discovery(_, let mode): mode.rawValue
        case .tokenEndpoint: "none"
        }
    }

    /// Every value the manifest's `discovery` key takes.
    package static let discoveryNames = DiscoveryMode.allCases.map(\.rawValue) + ["none"]
}

/// One authorization server from the manifest's `issuers` mapping.
package struct IssuerDefinition: Sendable {
    /// The key under `issuers`, referenced by clients' `issuer:`.
    package var name: String
    /// How the token endpoint is found.
    package var endpoint: IssuerEndpoint
    /// Absolute path of extra PEM trust anchors (`ca_file`).
    package var caFile: String?
    /// Grants in flight against this issuer at most (`max_concurrency`); nil means only the global limit.
    package var maxConcurrency: Int?
    /// Request rate cap (`rate_limit`).
    package var rateLimit: RateLimit?
    /// Whether plain `http:` URLs are allowed (`allow_insecure_http`).
    package var allowInsecureHTTP: Bool
    /// The proxy for this issuer's requests (`proxy`): from the environment by default.
    package var proxy: ProxySetting
    /// `defaults` with this issuer's overrides applied (clients may override further).
    package var settings: EffectiveSettings
    /// Where the issuer is defined.
    package var location: SourceLocation

    /// Creates an issuer definition.
    package init(
        name: String, endpoint: IssuerEndpoint, caFile: String? = nil, maxConcurrency: Int? = nil, rateLimit: RateLimit? = nil,
        allowInsecureHTTP: Bool = false, proxy: ProxySetting = .environment, settings: EffectiveSettings = Defaults.builtIn.settings,
        location: SourceLocation
    ) {
        self.name = name
        self.endpoint = endpoint
        self.caFile = caFile
        self.maxConcurrency = maxConcurrency
        self.rateLimit = rateLimit
        self.allowInsecureHTTP = allowInsecureHTTP
        self.proxy = proxy
        self.settings = settings
        self.location = location
    }
}
