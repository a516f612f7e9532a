import OAuthClient

/// The JSON Schema (draft 2020-12) of manifest version 1, for editors
/// (yaml-language-server) and CI checks.
///
/// It mirrors the loader: unknown keys are refused (`additionalProperties:
/// false`), names, durations and rate limits have patterns, methods, flavours
/// and discovery modes are enums, and each auth method's required keys are
/// conditional requirements. Any string value may instead be a `${VAR}`
/// reference, which the schema accepts wherever a number or boolean is expected.
package enum ManifestSchema {
    /// The schema as pretty-printed JSON text.
    package static var json: String { document.rendered() }

    static let namePattern = "^(?!.*\\.\\.)[a-z0-9]([a-z0-9._-]*[a-z0-9])?$"
    static let durationPattern = "^([0-9]+(ms|s|m|h))+$"

    static var document: SchemaValue {
        object([
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "urn:tokensmith:manifest:v1",
            "title": "tokensmith manifest",
            "description": "Batch OAuth 2.0 client-credentials provisioning: issuers, clients and where their tokens are written.",
            "type": "object",
            "required": ["version"],
            "properties": object([
                "version": object(["description": "Manifest format version; only 1 exists.", "enum": [1, "1"]]),
                "defaults": reference("defaults", "Settings every issuer and client inherits."),
                "issuers": object([
                    "description": "Authorization servers by name; clients refer to them with `issuer:`.",
                    "type": "object",
                    "propertyNames": object(["pattern": .string(namePattern)]),
                    "additionalProperties": reference("issuer"),
                ]),
                "clients": object([
                    "description": "The OAuth clients to get tokens for.",
                    "type": "array",
                    "items": reference("client"),
                ]),
                "outputs": object([
                    "description": "Aggregate outputs holding every client's token.",
                    "type": "array",
                    "items": reference("output"),
                ]),
            ]),
            "patternProperties": object([
                "^x-": object(["description": "Extension fields are ignored: a place for YAML anchors shared by clients."]),
            ]),
            "additionalProperties": false,
            "$defs": definitions,
        ])
    }

    static var definitions: SchemaValue {
        object([
            "envReference": object([
                "description": "A value taken from the environment: ${VAR} or ${VAR:-default}.",
                "type": "string",
                "pattern": "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}",
            ]),
            "name": object([
                "description": "Lower-case letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit, no `..`.",
                "type": "string",
                "pattern": .string(namePattern),
            ]),
            "duration": object([
                "description": "A duration such as 250ms, 10s, 5m, 1h or 1m30s.",
                "anyOf": [object(["type": "string", "pattern": .string(durationPattern)]), reference("envReference")],
            ]),
            "positiveInteger": object([
                "anyOf": [object(["type": "integer", "minimum": 1]), reference("envReference")],
            ]),
            "boolean": object([
                "anyOf": [object(["type": "boolean"]), reference("envReference")],
            ]),
            "path": object([
                "description": "A file path, relative to the manifest's folder unless absolute.",
                "type": "string",
                "minLength": 1,
            ]),
            "stringOrList": object([
                "anyOf": [
                    object(["type": "string"]),
                    object(["type": "array", "items": object(["type": "string"])]),
                ],
            ]),
            "retry": object([
                "description": "Retries of retryable failures (network errors, 5xx, 429), exponential backoff with full jitter.",
                "type": "object",
                "properties": object([
                    "attempts": reference("positiveInteger", "Total tries, the first included."),
                    "initial_backoff": reference("duration", "The first backoff; doubles per try."),
                    "max_backoff": reference("duration", "Cap of the backoff and of a server's Retry-After."),
                ]),
                "additionalProperties": false,
            ]),
            "defaults": object([
                "type": "object",
                "properties": .object(overrideProperties + [
                    ("concurrency", reference("positiveInteger", "Grants in flight at once (the CLI's --concurrency wins).")),
                ]),
                "additionalProperties": false,
            ]),
            "issuer": issuer,
            "client": client,
            "auth": auth,
            "dpop": object([
                "description": "DPoP (RFC 9449): true for a fresh key per run, or a key file.",
                "anyOf": [
                    reference("boolean"),
                    object([
                        "type": "object",
                        "properties": object([
                            "key_file": reference("path", "The DPoP private key (PEM or JWK)."),
                            "alg": object(["enum": .array(DPoPDefinition.supportedAlgorithms.map { .string($0.rawValue) })]),
                        ]),
                        "additionalProperties": false,
                    ]),
                ],
            ]),
            "output": output,
        ])
    }

    static var overrideProperties: [(String, SchemaValue)] {
        [
            ("timeout", reference("duration", "Timeout of one HTTP request.")),
            ("retry", reference("retry")),
            ("renew_before", reference("duration", "Skip a client whose last token stays valid longer than this.")),
        ]
    }

    static var issuer: SchemaValue {
        object([
            "type": "object",
            "properties": .object([
                ("issuer", object(["description": "Issuer identifier URL, used for discovery.", "type": "string"])),
                ("token_endpoint", object(["description": "Token endpoint URL; turns discovery off.", "type": "string"])),
                ("discovery", object([
                    "description": "auto: OpenID Connect, then RFC 8414; oidc; oauth2; none.",
                    "enum": .array(IssuerEndpoint.discoveryNames.map { .string($0) }),
                ])),
                ("ca_file", reference("path", "Extra PEM trust anchors.")),
                ("max_concurrency", reference("positiveInteger", "Grants in flight against this issuer.")),
                ("rate_limit", object([
                    "description": "Request rate cap: 20/s, 100/m or 1000/h.",
                    "anyOf": [object(["type": "string", "pattern": "^[1-9][0-9]*/[smh]$"]), reference("envReference")],
                ])),
                ("allow_insecure_http", reference("boolean", "Allow plain http: URLs (local test servers only).")),
            ] + overrideProperties),
            "anyOf": [object(["required": ["issuer"]]), object(["required": ["token_endpoint"]])],
            "additionalProperties": false,
        ])
    }

    static var client: SchemaValue {
        object([
            "type": "object",
            "required": ["name", "issuer", "client_id", "auth"],
            "properties": .object([
                ("name", reference("name", "Unique client name, used in file names and env keys.")),
                ("issuer", object(["description": "The name of an entry under `issuers`.", "type": "string"])),
                ("client_id", object(["description": "The OAuth client_id.", "type": ["string", "integer"]])),
                ("auth", reference("auth")),
                ("scope", object([
                    "description": "Scopes: a list, or one space-separated string.",
                    "anyOf": [
                        object(["type": "string"]),
                        object(["type": "array", "items": object(["type": "string", "pattern": "^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$"])]),
                    ],
                ])),
                ("resource", reference("stringOrList", "RFC 8707 resource indicators (absolute URIs).")),
                ("audience", reference("stringOrList", "The `audience` request parameter (Auth0, Okta).")),
                ("params", object([
                    "description": "Other token request parameters; a list repeats the parameter.",
                    "type": "object",
                    "propertyNames": object(["not": object(["enum": .array((FileDecoder.reservedParameters + FileDecoder.keyedParameters).map { .string($0) })])]),
                    "additionalProperties": object([
                        "anyOf": [
                            object(["type": ["string", "number", "boolean"]]),
                            object(["type": "array", "items": object(["type": ["string", "number", "boolean"]])]),
                        ],
                    ]),
                ])),
                ("dpop", reference("dpop")),
                ("outputs", object(["description": "This client's outputs.", "type": "array", "items": reference("output")])),
            ] + overrideProperties),
            "additionalProperties": false,
        ])
    }

    static var auth: SchemaValue {
        let secretMethods: SchemaValue = .array(AuthMethod.allCases.filter(\.usesSecret).map { .string($0.rawValue) })
        let tlsMethods: SchemaValue = .array(AuthMethod.allCases.filter(\.usesTLSCertificate).map { .string($0.rawValue) })
        return object([
            "description": "Client authentication at the token endpoint.",
            "type": "object",
            "required": ["method"],
            "properties": object([
                "method": object(["enum": .array(AuthMethod.allCases.map { .string($0.rawValue) })]),
                "secret": object(["description": "The client secret; prefer ${VAR} or secret_file.", "type": "string"]),
                "secret_file": reference("path", "A file holding the client secret."),
                "key_file": reference("path", "Private key: PEM (PKCS#8, SEC1, PKCS#1) or JWK."),
                "alg": object([
                    "description": "JWS algorithm; derived from the key when absent.",
                    "enum": .array(JWSAlgorithm.allCases.map { .string($0.rawValue) }),
                ]),
                "kid": object(["description": "The JWS kid header.", "type": "string"]),
                "certificate_file": reference("path", "Client certificate (mTLS), or the certificate whose thumbprint private_key_jwt sends."),
                "x5t_sha1": reference("boolean", "Also send the SHA-1 x5t header (Entra ID)."),
                "audience": object([
                    "description": "Assertion aud: issuer (default), token_endpoint or any URL.",
                    "type": "string",
                ]),
            ]),
            "allOf": [
                object([
                    "if": object(["properties": object(["method": object(["enum": secretMethods])])]),
                    "then": object(["oneOf": [object(["required": ["secret"]]), object(["required": ["secret_file"]])]]),
                ]),
                object([
                    "if": object(["properties": object(["method": object(["const": "private_key_jwt"])])]),
                    "then": object(["required": ["key_file"]]),
                ]),
                object([
                    "if": object(["properties": object(["method": object(["enum": tlsMethods])])]),
                    "then": object(["required": ["certificate_file", "key_file"]]),
                ]),
            ],
            "additionalProperties": false,
        ])
    }

    static var output: SchemaValue {
        let mode = object([
            "description": "File mode, octal (default \"0600\").",
            "anyOf": [object(["type": "string", "pattern": "^(0o)?[0-7]{3,4}$"]), object(["type": "integer"])],
        ])
        let keys = object([
            "description": "Rename output keys, e.g. {access_token: TOKEN}, or leave one out with ~, e.g. {expires_at: ~}.",
            "type": "object",
            "propertyNames": object(["enum": .array(FileDecoder.canonicalOutputKeys.map { .string($0) })]),
            "properties": object(["access_token": object(["type": "string"])]),
            "additionalProperties": object(["type": ["string", "null"]]),
        ])
        let stringMap = object(["type": "object", "additionalProperties": object(["type": "string"])])
        let path = object(["description": "Target path under the output root, or - for standard output.", "type": "string", "minLength": 1])
        return object([
            "description": "Where a token is written: an env file, a JSON document or a Kubernetes Secret manifest.",
            "oneOf": [
                object([
                    "type": "object",
                    "required": ["env"],
                    "properties": object([
                        "env": path,
                        "prefix": object(["type": "string", "pattern": "^([A-Z_][A-Z0-9_]*)?$"]),
                        "flavor": object(["description": "Quoting rules of the reader.", "enum": .array(EnvOptions.Flavor.allCases.map { .string($0.rawValue) })]),
                        "mode": mode,
                        "include_scope": reference("boolean", "Also write <PREFIX>SCOPE."),
                        "keys": keys,
                    ]),
                    "additionalProperties": false,
                ]),
                object([
                    "type": "object",
                    "required": ["json"],
                    "properties": object(["json": path, "mode": mode, "keys": keys]),
                    "additionalProperties": false,
                ]),
                object([
                    "type": "object",
                    "required": ["kubernetes_secret"],
                    "properties": object([
                        "kubernetes_secret": path,
                        "name": object(["description": "metadata.name (default: the client name).", "type": "string"]),
                        "namespace": object(["type": "string"]),
                        "labels": stringMap,
                        "annotations": stringMap,
                        "mode": mode,
                        "keys": keys,
                    ]),
                    "additionalProperties": false,
                ]),
            ],
        ])
    }
}
