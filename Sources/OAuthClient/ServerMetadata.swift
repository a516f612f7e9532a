public import Foundation

/// Authorization server metadata (RFC 8414, OpenID Connect Discovery 1.0).
///
/// The members this library uses are typed; every other member is kept in
/// `otherMembers`. Codable round-trips the metadata as the JSON it came from.
public struct ServerMetadata: Sendable, Hashable, Codable {
    /// The issuer identifier.
    public var issuer: String
    /// The token endpoint; nil when the server did not advertise one.
    public var tokenEndpoint: URL?
    /// `mtls_endpoint_aliases` (RFC 8705 §5): endpoint names to the URLs used with mutual TLS.
    public var mtlsEndpointAliases: [String: URL]
    /// `token_endpoint_auth_methods_supported`.
    public var tokenEndpointAuthMethodsSupported: [String]?
    /// `token_endpoint_auth_signing_alg_values_supported`.
    public var tokenEndpointAuthSigningAlgValuesSupported: [String]?
    /// `dpop_signing_alg_values_supported` (RFC 9449).
    public var dpopSigningAlgValuesSupported: [String]?
    /// `jwks_uri`.
    public var jwksURI: URL?
    /// `grant_types_supported`.
    public var grantTypesSupported: [String]?
    /// Every other member, as received.
    public var otherMembers: [String: JSONValue]

    /// Metadata for a server known without discovery.
    public init(
        issuer: String,
        tokenEndpoint: URL?,
        mtlsEndpointAliases: [String: URL] = [:],
        tokenEndpointAuthMethodsSupported: [String]? = nil,
        tokenEndpointAuthSigningAlgValuesSupported: [String]? = nil,
        dpopSigningAlgValuesSupported: [String]? = nil,
        jwksURI: URL? = nil,
        grantTypesSupported: [String]? = nil,
        otherMembers: [String: JSONValue] = [:]
    ) {
        self.issuer = issuer
        self.tokenEndpoint = tokenEndpoint
        self.mtlsEndpointAliases = mtlsEndpointAliases
        self.tokenEndpointAuthMethodsSupported = tokenEndpointAuthMethodsSupported
        self.tokenEndpointAuthSigningAlgValuesSupported = tokenEndpointAuthSigningAlgValuesSupported
        self.dpopSigningAlgValuesSupported = dpopSigningAlgValuesSupported
        self.jwksURI = jwksURI
        self.grantTypesSupported = grantTypesSupported
        self.otherMembers = otherMembers
    }

    private static let typedMembers: Set<String> = [
        "issuer", "token_endpoint", "mtls_endpoint_aliases", "token_endpoint_auth_methods_supported",
        "token_endpoint_auth_signing_alg_values_supported", "dpop_signing_alg_values_supported", "jwks_uri",
        "grant_types_supported",
    ]

    /// Reads metadata from its JSON object, checking the types of the members used here.
    ///
    /// - Parameter source: the URL it was fetched from, named in errors.
    public init(json members: [String: JSONValue], source: String = "the metadata") throws(OAuthClientError) {
        func invalid(_ what: String) -> OAuthClientError {
            OAuthClientError(.invalidResponse, "the authorization server metadata from \(source) is invalid: \(what)", endpoint: source)
        }
        func url(_ name: String) throws(OAuthClientError) -> URL? {
            guard let value = members[name] else { return nil }
            guard let text = value.stringValue, let url = URL(string: text), url.scheme != nil else {
                throw invalid("`\(name)` must be an absolute URL string")
            }
            return url
        }
        func strings(_ name: String) throws(OAuthClientError) -> [String]? {
            guard let value = members[name] else { return nil }
            guard let array = value.arrayValue else { throw invalid("`\(name)` must be an array of strings") }
            var out: [String] = []
            for element in array {
                guard let text = element.stringValue else { throw invalid("`\(name)` must be an array of strings") }
                out.append(text)
            }
            return out
        }
        guard let issuer = members["issuer"]?.stringValue, !issuer.isEmpty else {
            throw invalid("`issuer` must be a non-empty string")
        }
        var aliases: [String: URL] = [:]
        if let value = members["mtls_endpoint_aliases"] {
            guard let object = value.objectValue else { throw invalid("`mtls_endpoint_aliases` must be an object") }
            for (name, entry) in object {
                guard let text = entry.stringValue, let url = URL(string: text), url.scheme != nil else {
                    throw invalid("`mtls_endpoint_aliases.\(name)` must be an absolute URL string")
                }
                aliases[name] = url
            }
        }
        self.init(
            issuer: issuer,
            tokenEndpoint: try url("token_endpoint"),
            mtlsEndpointAliases: aliases,
            tokenEndpointAuthMethodsSupported: try strings("token_endpoint_auth_methods_supported"),
            tokenEndpointAuthSigningAlgValuesSupported: try strings("token_endpoint_auth_signing_alg_values_supported"),
            dpopSigningAlgValuesSupported: try strings("dpop_signing_alg_values_supported"),
            jwksURI: try url("jwks_uri"),
            grantTypesSupported: try strings("grant_types_supported"),
            otherMembers: members.filter { !Self.typedMembers.contains($0.key) }
        )
    }

    /// The metadata as one JSON object.
    public var json: [String: JSONValue] {
        var members = otherMembers
        members["issuer"] = .string(issuer)
        if let tokenEndpoint { members["token_endpoint"] = .string(tokenEndpoint.absoluteString) }
        if !mtlsEndpointAliases.isEmpty {
            members["mtls_endpoint_aliases"] = .object(mtlsEndpointAliases.mapValues { .string($0.absoluteString) })
        }
        func put(_ name: String, _ values: [String]?) {
            if let values { members[name] = .array(values.map(JSONValue.string)) }
        }
        put("token_endpoint_auth_methods_supported", tokenEndpointAuthMethodsSupported)
        put("token_endpoint_auth_signing_alg_values_supported", tokenEndpointAuthSigningAlgValuesSupported)
        put("dpop_signing_alg_values_supported", dpopSigningAlgValuesSupported)
        put("grant_types_supported", grantTypesSupported)
        if let jwksURI { members["jwks_uri"] = .string(jwksURI.absoluteString) }
        return members
    }

    /// Decodes the metadata JSON object.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        guard case .object(let members) = value else {
            throw DecodingError.typeMismatch(
                ServerMetadata.self, .init(codingPath: decoder.codingPath, debugDescription: "metadata must be a JSON object")
            )
        }
        try self.init(json: members)
    }

    /// Encodes the metadata as its JSON object.
    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(json).encode(to: encoder)
    }
}
