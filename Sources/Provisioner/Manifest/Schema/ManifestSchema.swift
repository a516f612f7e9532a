import Foundation
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
    /// The schema as pretty-printed JSON text: two-space indent, object
    /// members sorted by name (so `$defs`, `$id` and `$schema` come first),
    /// `/` unescaped.
    package static var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers, booleans, arrays and string-keyed objects always encode.
        guard let data = try? encoder.encode(document) else { preconditionFailure("the manifest schema could not be encoded") }
        return String(decoding: data, as: UTF8.self)
    }

    /// The grammar of ``DurationText/parse(_:)``: parts of up to twelve digits and a unit.
    package static let durationPattern = "^([0-9]{1,12}(ms|s|m|h))+$"

    static var document: SchemaValue {
        object([
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "urn:tokensmith:manifest:v1",
            "title": "tokensmith manifest",
            "description": "Batch OAuth 2.0 client-credentials provisioning: issuers, clients and where their tokens are written.",
            "type": "object",
            "required": ["version"],
            "properties": .object(ManifestVocabulary.topLevel.members),
            "patternProperties": object([
                "^x-": object(["description": "Extension fields are ignored: a place for YAML anchors shared by clients."])
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
                "pattern": .string("\\$\\{\(EnvKey.variablePattern)(:-[^}]*)?\\}"),
            ]),
            "name": object([
                "description": "Lower-case letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit, no `..`.",
                "type": "string",
                "pattern": .string(FileDecoder.namePattern),
                "maxLength": .integer(FileDecoder.maxNameLength),
            ]),
            "duration": object([
                "description": "A duration such as 250ms, 10s, 5m, 1h or 1m30s.",
                "anyOf": [object(["type": "string", "pattern": .string(durationPattern)]), reference("envReference")],
            ]),
            "positiveInteger": object([
                "anyOf": [object(["type": "integer", "minimum": 1]), reference("envReference")]
            ]),
            "boolean": object([
                "anyOf": [object(["type": "boolean"]), reference("envReference")]
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
                ]
            ]),
            "retry": object([
                "description": "Retries of retryable failures (network errors, 5xx, 429), exponential backoff with full jitter.",
                "type": "object",
                "properties": .object(ManifestVocabulary.retry.members),
                "additionalProperties": false,
            ]),
            "defaults": object([
                "type": "object",
                "properties": .object(ManifestVocabulary.defaults.members),
                "additionalProperties": false,
            ]),
            "issuer": issuer,
            "client": client,
            "auth": auth,
            "notifier": ManifestVocabulary.notifier,
            "dpop": object([
                "description": "DPoP (RFC 9449): true for a fresh key per run, or a key file.",
                "anyOf": [
                    reference("boolean"),
                    object([
                        "type": "object",
                        "properties": .object(ManifestVocabulary.dpop.members),
                        "additionalProperties": false,
                    ]),
                ],
            ]),
            "output": output,
        ])
    }

    static var issuer: SchemaValue {
        object([
            "type": "object",
            "properties": .object(ManifestVocabulary.issuer.members),
            "anyOf": [object(["required": ["issuer"]]), object(["required": ["token_endpoint"]])],
            "additionalProperties": false,
        ])
    }

    static var client: SchemaValue {
        object([
            "type": "object",
            "required": ["name", "issuer", "client_id", "auth"],
            "properties": .object(ManifestVocabulary.client.members),
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
            "properties": .object(ManifestVocabulary.auth.members),
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
        object([
            "description": "Where a token is written: an env file, a JSON document or a Kubernetes Secret manifest.",
            "oneOf": .array(
                ManifestVocabulary.outputFormats.map { format in
                    object([
                        "type": "object",
                        "required": [.string(format.key)],
                        "properties": .object(format.properties.members),
                        "additionalProperties": false,
                    ])
                }),
        ])
    }
}
