internal import Foundation
internal import OAuthClient

extension LocalIssuer.Configuration {
    /// Reads a JSON config file (the demo's and the benchmarks' way to set up an issuer).
    ///
    /// Relative file paths inside are resolved against the config file's folder.
    /// Format (every member optional except `clients[].method` and an id):
    ///
    /// ```json
    /// {
    ///   "port": 0,
    ///   "issuer_path": "/realms/demo",
    ///   "fast_mode": false,
    ///   "serve_wrong_issuer": false,
    ///   "require_dpop_nonce": false,
    ///   "expires_in": 3600,
    ///   "signing_key_file": "issuer-key.pem",
    ///   "tls": { "certificate_chain_file": "server.pem", "private_key_file": "server-key.pem" },
    ///   "mtls": { "port": 0, "client_ca_file": "ca.pem" },
    ///   "clients": [
    ///     { "id": "billing", "method": "client_secret_basic", "secret": "s3cret",
    ///       "scopes": ["read", "write"], "resources": ["https://api.example"],
    ///       "expires_in": 600, "dpop_required": false },
    ///     { "id": "reports", "method": "private_key_jwt", "public_key_file": "reports.pub.pem" },
    ///     { "id": "edge", "method": "private_key_jwt", "jwk": { "kty": "OKP", "crv": "Ed25519", "x": "…" } },
    ///     { "id": "agent", "method": "tls_client_auth", "subject": "CN=agent" },
    ///     { "id": "robot", "method": "self_signed_tls_client_auth", "certificate_file": "robot.pem" },
    ///     { "id": "public-app", "method": "none" },
    ///     { "id_prefix": "client-", "count": 10000, "start": 1, "secret": "s", "method": "client_secret_basic" },
    ///     { "id": "flaky", "method": "client_secret_post", "secret": "s",
    ///       "faults": [ { "kind": "server_error", "status": 503, "times": 2 },
    ///                   { "kind": "delay", "milliseconds": 200 } ] }
    ///   ]
    /// }
    /// ```
    ///
    /// Methods: `client_secret_basic`, `client_secret_post`, `client_secret_jwt` (need `secret`),
    /// `private_key_jwt` (`public_key_file`, `public_key` PEM text, or `jwk`), `none`,
    /// `tls_client_auth` (`subject`), `self_signed_tls_client_auth` (`certificate_file`).
    /// A `count` entry registers `id_prefix` + n for n in `start` (default 1) ..< `start` + `count`.
    /// Fault kinds: `server_error` (`status`, `times`), `rate_limited` (`retry_after`, `times`),
    /// `delay` (`milliseconds`), `wait_for_concurrent_requests` (`count`), `close_connection` (`times`), `malformed_json`, `json_array`,
    /// `missing_access_token`, `missing_token_type`, `expires_in_as_string`, `negative_expires_in`,
    /// `html_error_page` (`status`), `oversized_body`, `dpop_token_type_without_proof`,
    /// `endless_body` (`milliseconds` between chunks), `redirect` (`location`).
    public static func load(contentsOfFile path: String) throws -> LocalIssuer.Configuration {
        let url = URL(fileURLWithPath: path)
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw LocalIssuerError("Cannot read the config file \(path).")
        }
        let file: ConfigFile
        do {
            let decoder = JSONDecoder()
            // The file's keys are snake_case (`certificate_chain_file`), the properties camelCase.
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            file = try decoder.decode(ConfigFile.self, from: data)
        } catch let error as DecodingError {
            throw LocalIssuerError("The config file \(path) is not valid: \(Self.describe(error))")
        }
        let folder = url.deletingLastPathComponent()
        func read(_ name: String) throws -> String {
            let fileURL = name.hasPrefix("/") ? URL(fileURLWithPath: name) : folder.appendingPathComponent(name)
            guard let text = try? String(contentsOf: fileURL, encoding: .utf8) else {
                throw LocalIssuerError("Cannot read \(fileURL.path), named in the config file \(path).")
            }
            return text
        }
        var configuration = LocalIssuer.Configuration()
        configuration.port = file.port ?? 0
        configuration.issuerPath = file.issuerPath ?? ""
        configuration.fastMode = file.fastMode ?? false
        configuration.serveWrongIssuer = file.serveWrongIssuer ?? false
        configuration.requireDPoPNonce = file.requireDpopNonce ?? false
        configuration.defaultExpiresIn = file.expiresIn ?? 3600
        configuration.signingKeyPEM = try file.signingKeyFile.map(read)
        if let tls = file.tls {
            configuration.tls = .init(certificateChainPEM: try read(tls.certificateChainFile), privateKeyPEM: try read(tls.privateKeyFile))
        }
        if let mtls = file.mtls {
            configuration.mutualTLS = .init(port: mtls.port ?? 0, clientCAPEM: try read(mtls.clientCaFile))
        }
        for (index, entry) in (file.clients ?? []).enumerated() {
            configuration.clients += try entry.clients(index: index, read: read)
        }
        return configuration
    }

    private static func describe(_ error: DecodingError) -> String {
        func pathText(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(pathText(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(pathText(context.codingPath)): missing `\(key.stringValue)`."
        @unknown default:
            return "\(error)"
        }
    }
}

// Member names mirror the JSON keys.
// swiftlint:disable identifier_name
private struct ConfigFile: Decodable {
    struct TLS: Decodable {
        var certificateChainFile: String
        var privateKeyFile: String
    }

    struct MTLS: Decodable {
        var port: Int?
        var clientCaFile: String
    }

    struct FaultEntry: Decodable {
        var kind: String
        var status: Int?
        var times: Int?
        var retryAfter: Int?
        var milliseconds: Int?
        var location: String?
        var count: Int?

        func fault(client: String) throws -> Fault {
            func need<T>(_ value: T?, _ name: String) throws -> T {
                guard let value else { throw LocalIssuerError("Client \(client): the fault `\(kind)` needs `\(name)`.") }
                return value
            }
            switch kind {
            case "server_error": return .serverError(status: status ?? 500, times: times ?? 1)
            case "rate_limited": return .rateLimited(retryAfterSeconds: retryAfter ?? 1, times: times ?? 1)
            case "delay": return .delay(.milliseconds(try need(milliseconds, "milliseconds")))
            case "wait_for_concurrent_requests": return .waitForConcurrentRequests(count: try need(count, "count"))
            case "close_connection": return .closeConnection(times: times ?? 1)
            case "malformed_json": return .malformedJSON
            case "json_array": return .jsonArray
            case "missing_access_token": return .missingAccessToken
            case "missing_token_type": return .missingTokenType
            case "expires_in_as_string": return .expiresInAsString
            case "negative_expires_in": return .negativeExpiresIn
            case "html_error_page": return .htmlErrorPage(status: status ?? 500)
            case "oversized_body": return .oversizedBody
            case "dpop_token_type_without_proof": return .dpopTokenTypeWithoutProof
            case "endless_body": return .endlessBody(chunkInterval: .milliseconds(milliseconds ?? 500))
            case "redirect": return .redirect(location: try need(location, "location"))
            default: throw LocalIssuerError("Client \(client): unknown fault kind `\(kind)`.")
            }
        }
    }

    struct Client: Decodable {
        var id: String?
        var idPrefix: String?
        var count: Int?
        var start: Int?
        var method: String
        var secret: String?
        var publicKey: String?
        var publicKeyFile: String?
        var jwk: JSONValue?
        var subject: String?
        var certificateFile: String?
        var scopes: [String]?
        var resources: [String]?
        var expiresIn: Int?
        var dpopRequired: Bool?
        var faults: [FaultEntry]?

        func clients(index: Int, read: (String) throws -> String) throws -> [RegisteredClient] {
            let label = id ?? idPrefix.map { "\($0)*" } ?? "#\(index)"
            func need<T>(_ value: T?, _ name: String) throws -> T {
                guard let value else { throw LocalIssuerError("Client \(label): the method \(method) needs `\(name)`.") }
                return value
            }
            let authentication: RegisteredClient.Authentication
            switch method {
            case "client_secret_basic": authentication = .clientSecretBasic(secret: try need(secret, "secret"))
            case "client_secret_post": authentication = .clientSecretPost(secret: try need(secret, "secret"))
            case "client_secret_jwt": authentication = .clientSecretJWT(secret: try need(secret, "secret"))
            case "private_key_jwt":
                if let jwk {
                    authentication = .privateKeyJWT(publicKey: jwk.jsonText)
                } else if let publicKey {
                    authentication = .privateKeyJWT(publicKey: publicKey)
                } else {
                    authentication = .privateKeyJWT(publicKey: try read(try need(publicKeyFile, "public_key_file")))
                }
            case "none": authentication = .none
            case "tls_client_auth": authentication = .tlsClientAuth(subject: try need(subject, "subject"))
            case "self_signed_tls_client_auth":
                authentication = .selfSignedTLSClientAuth(certificatePEM: try read(try need(certificateFile, "certificate_file")))
            default:
                throw LocalIssuerError("Client \(label): unknown method `\(method)`.")
            }
            let template = RegisteredClient(
                id: "",
                authentication: authentication,
                allowedScopes: scopes.map(Set.init),
                allowedResources: resources.map(Set.init),
                expiresIn: expiresIn,
                requiresDPoP: dpopRequired ?? false,
                faults: try (faults ?? []).map { try $0.fault(client: label) }
            )
            if let id {
                guard count == nil, idPrefix == nil else {
                    throw LocalIssuerError("Client \(label): give either `id` or `id_prefix` with `count`, not both.")
                }
                var client = template
                client.id = id
                return [client]
            }
            guard let idPrefix, let count, count >= 0 else {
                throw LocalIssuerError("Client \(label): give `id`, or `id_prefix` with `count`.")
            }
            let first = start ?? 1
            return (first..<(first + count)).map { number in
                var client = template
                client.id = idPrefix + String(number)
                return client
            }
        }
    }

    var port: Int?
    var issuerPath: String?
    var fastMode: Bool?
    var serveWrongIssuer: Bool?
    var requireDpopNonce: Bool?
    var expiresIn: Int?
    var signingKeyFile: String?
    var tls: TLS?
    var mtls: MTLS?
    var clients: [Client]?
}
// swiftlint:enable identifier_name
