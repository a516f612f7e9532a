import OAuthClient

/// The manifest's vocabulary: the keys each mapping accepts, in order, each
/// with the JSON Schema of its value.
///
/// The one declaration both readers of the format use: the decoder's
/// allowed keys (`FileDecoder.topLevelKeys`, `clientKeys`, `authKeys`, …,
/// which also feed ``CredentialKeys``) and the `properties` of
/// ``ManifestSchema`` are read from here, so a key added here is accepted by
/// the loader and described by `tokensmith schema` alike.
enum ManifestVocabulary {
    /// One key a mapping accepts and the schema of its value.
    struct Property {
        let key: String
        let schema: SchemaValue

        init(_ key: String, _ schema: SchemaValue) {
            self.key = key
            self.schema = schema
        }
    }

    /// The only manifest format version.
    static let supportedVersion = 1

    /// The top level of a manifest file (`x-` keys aside).
    static let topLevel: [Property] = [
        Property(
            "version",
            object([
                "description": "Manifest format version; only 1 exists.",
                "enum": [.integer(supportedVersion), .string(String(supportedVersion))],
            ])),
        Property("defaults", reference("defaults", "Settings every issuer and client inherits.")),
        Property(
            "issuers",
            object([
                "description": "Authorization servers by name; clients refer to them with `issuer:`.",
                "type": "object",
                "propertyNames": object(["pattern": .string(FileDecoder.namePattern), "maxLength": .integer(FileDecoder.maxNameLength)]),
                "additionalProperties": reference("issuer"),
            ])),
        Property(
            "clients",
            object([
                "description": "The OAuth clients to get tokens for.",
                "type": "array",
                "items": reference("client"),
            ])),
        Property(
            "outputs",
            object([
                "description": "Aggregate outputs holding every client's token.",
                "type": "array",
                "items": reference("output"),
            ])),
    ]

    /// The settings `defaults`, an issuer and a client may each set.
    static let overrides: [Property] = [
        Property("timeout", reference("duration", "Timeout of one HTTP request.")),
        Property("retry", reference("retry")),
        Property("renew_before", reference("duration", "Skip a client whose last token stays valid longer than this.")),
    ]

    /// `defaults`.
    static let defaults: [Property] =
        overrides + [
            Property("concurrency", reference("positiveInteger", "Grants in flight at once (the CLI's --concurrency wins)."))
        ]

    /// `retry`, wherever it is set.
    static let retry: [Property] = [
        Property("attempts", reference("positiveInteger", "Total tries, the first included.")),
        Property("initial_backoff", reference("duration", "The first backoff; doubles per try.")),
        Property("max_backoff", reference("duration", "Cap of the backoff and of a server's Retry-After.")),
    ]

    /// One entry of `issuers`.
    static let issuer: [Property] =
        [
            Property("issuer", object(["description": "Issuer identifier URL, used for discovery.", "type": "string"])),
            Property("token_endpoint", object(["description": "Token endpoint URL; turns discovery off.", "type": "string"])),
            Property(
                "discovery",
                object([
                    "description": "auto: OpenID Connect, then RFC 8414; oidc; oauth2; none.",
                    "enum": .array(IssuerEndpoint.discoveryNames.map { .string($0) }),
                ])),
            Property("ca_file", reference("path", "Extra PEM trust anchors.")),
            Property("max_concurrency", reference("positiveInteger", "Grants in flight against this issuer.")),
            Property(
                "rate_limit",
                object([
                    "description": "Request rate cap: 20/s, 100/m or 1000/h.",
                    "anyOf": [object(["type": "string", "pattern": .string(RateLimit.pattern)]), reference("envReference")],
                ])),
            Property("allow_insecure_http", reference("boolean", "Allow plain http: URLs (local test servers only).")),
            Property(
                "proxy",
                object([
                    "description":
                        "HTTP proxy for this issuer: http://[user:password@]host[:port] (NO_PROXY ignored), or none for direct; default: HTTPS_PROXY, HTTP_PROXY, NO_PROXY.",
                    "type": "string",
                ])),
        ] + overrides

    /// Parameters OAuthClient sets itself; `params` must not override them.
    static let reservedParameters = ["grant_type", "client_id", "client_secret", "client_assertion", "client_assertion_type"]
    /// Parameters that have their own manifest key.
    static let keyedParameters = ["scope", "resource", "audience"]

    /// One entry of `clients`.
    static let client: [Property] =
        [
            Property("name", reference("name", "Unique client name, used in file names and env keys.")),
            Property("issuer", object(["description": "The name of an entry under `issuers`.", "type": "string"])),
            Property("client_id", object(["description": "The OAuth client_id.", "type": ["string", "integer"]])),
            Property("auth", reference("auth")),
            Property(
                "scope",
                object([
                    "description": "Scopes: a list, or one space-separated string.",
                    "anyOf": [
                        object(["type": "string"]),
                        object(["type": "array", "items": object(["type": "string", "pattern": "^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$"])]),
                    ],
                ])),
            Property("resource", reference("stringOrList", "RFC 8707 resource indicators (absolute URIs).")),
            Property("audience", reference("stringOrList", "The `audience` request parameter (Auth0, Okta).")),
            Property(
                "params",
                object([
                    "description": "Other token request parameters; a list repeats the parameter.",
                    "type": "object",
                    "propertyNames": object(["not": object(["enum": .array((reservedParameters + keyedParameters).map { .string($0) })])]),
                    "additionalProperties": object([
                        "anyOf": [
                            object(["type": ["string", "number", "boolean"]]),
                            object(["type": "array", "items": object(["type": ["string", "number", "boolean"]])]),
                        ]
                    ]),
                ])),
            Property("dpop", reference("dpop")),
            Property("outputs", object(["description": "This client's outputs.", "type": "array", "items": reference("output")])),
        ] + overrides

    /// A client's `dpop` mapping.
    static let dpop: [Property] = [
        Property("key_file", reference("path", "The DPoP private key (PEM or JWK).")),
        Property("alg", object(["enum": .array(DPoPDefinition.supportedAlgorithms.map { .string($0.rawValue) })])),
    ]

    /// A client's `auth` mapping.
    static let auth: [Property] = [
        Property("method", object(["enum": .array(AuthMethod.allCases.map { .string($0.rawValue) })])),
        Property("secret", object(["description": "The client secret; prefer ${VAR} or secret_file.", "type": "string"])),
        Property("secret_file", reference("path", "A file holding the client secret.")),
        Property("key_file", reference("path", "Private key: PEM (PKCS#8, SEC1, PKCS#1) or JWK.")),
        Property(
            "alg",
            object([
                "description": "JWS algorithm; derived from the key when absent.",
                "enum": .array(JWSAlgorithm.allCases.map { .string($0.rawValue) }),
            ])),
        Property("kid", object(["description": "The JWS kid header.", "type": "string"])),
        Property(
            "certificate_file", reference("path", "Client certificate (mTLS), or the certificate whose thumbprint private_key_jwt sends.")),
        Property("x5t_sha1", reference("boolean", "Also send the SHA-1 x5t header (Entra ID).")),
        Property(
            "audience",
            object([
                "description": "Assertion aud: issuer (default), token_endpoint or any URL.",
                "type": "string",
            ])),
    ]
}

extension [ManifestVocabulary.Property] {
    /// The keys, in order.
    var keys: [String] { map(\.key) }

    /// Schema object members, in order.
    var members: [(String, SchemaValue)] { map { ($0.key, $0.schema) } }
}
