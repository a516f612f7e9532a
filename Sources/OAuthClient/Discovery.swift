public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// Which well-known document discovery reads.
public enum DiscoveryMode: String, Sendable, Hashable, CaseIterable {
    /// OpenID Connect first, then RFC 8414 when the first answers 404 (the reference's default).
    case auto
    /// `<issuer>/.well-known/openid-configuration` only.
    case oidc
    /// RFC 8414 `/.well-known/oauth-authorization-server` inserted before the issuer's path, only.
    case oauth2
}

/// Discovers the server metadata of `issuer` and builds a configuration: the
/// counterpart of openid-client's `discovery(server, clientId, metadata, clientAuthentication)`.
///
/// The metadata's `issuer` must equal `issuer` after URL normalisation (case of
/// scheme and host, default port, trailing slash), else the configuration is refused.
///
/// A batch of many clients of one server discovers once with
/// ``fetchServerMetadata(issuer:options:httpClient:mode:)``, prepares one
/// ``ServerConfiguration`` and derives each client's ``Configuration`` from it.
public func discovery(
    issuer: URL,
    clientID: String,
    clientAuthentication: ClientAuthentication,
    options: Configuration.Options = .init(),
    httpClient: HTTPClient = OAuthHTTP.shared,
    mode: DiscoveryMode = .auto
) async throws -> Configuration {
    let metadata = try await fetchServerMetadata(issuer: issuer, options: options, httpClient: httpClient, mode: mode)
    return Configuration(
        serverMetadata: metadata, clientID: clientID, clientAuthentication: clientAuthentication, options: options, httpClient: httpClient)
}

/// Fetches and checks the metadata of `issuer` (one request, or two in `.auto` mode after a 404).
public func fetchServerMetadata(
    issuer: URL,
    options: Configuration.Options = .init(),
    httpClient: HTTPClient = OAuthHTTP.shared,
    mode: DiscoveryMode = .auto
) async throws -> ServerMetadata {
    // Checks the issuer's own scheme first, so `http:` is refused before any request.
    _ = try Endpoint(issuer, allowInsecureHTTP: options.allowInsecureHTTP, role: "issuer")
    let oidc = DiscoveryRequest.oidcURL(issuer), oauth2 = DiscoveryRequest.oauth2URL(issuer)
    switch mode {
    case .oidc:
        return try await DiscoveryRequest.fetch(oidc, issuer: issuer, options: options, httpClient: httpClient)
    case .oauth2:
        return try await DiscoveryRequest.fetch(oauth2, issuer: issuer, options: options, httpClient: httpClient)
    case .auto:
        if let metadata = try await DiscoveryRequest.fetch(
            oidc, issuer: issuer, options: options, httpClient: httpClient, fallbackOn404: true)
        {
            return metadata
        }
        return try await DiscoveryRequest.fetch(oauth2, issuer: issuer, options: options, httpClient: httpClient)
    }
}

/// The two well-known URL forms and one metadata request.
enum DiscoveryRequest {
    /// OIDC Discovery §4: append to the issuer (trailing slash removed).
    static func oidcURL(_ issuer: URL) -> URL {
        var text = issuer.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + "/.well-known/openid-configuration") ?? issuer
    }

    /// RFC 8414 §3.1: insert the well-known segment between host and path.
    static func oauth2URL(_ issuer: URL) -> URL {
        guard var components = URLComponents(url: issuer, resolvingAgainstBaseURL: false) else { return issuer }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        components.percentEncodedPath = "/.well-known/oauth-authorization-server" + path
        return components.url ?? issuer
    }

    /// The metadata at `url`; a 404 is an error.
    static func fetch(_ url: URL, issuer: URL, options: Configuration.Options, httpClient: HTTPClient) async throws -> ServerMetadata {
        guard let metadata = try await fetch(url, issuer: issuer, options: options, httpClient: httpClient, fallbackOn404: false) else {
            throw OAuthClientError(
                .unexpectedStatus, "the discovery endpoint \(url.absoluteString) answered HTTP 404", endpoint: url.absoluteString,
                statusCode: 404)
        }
        return metadata
    }

    /// Nil only when `fallbackOn404` and the answer was 404.
    static func fetch(_ url: URL, issuer: URL, options: Configuration.Options, httpClient: HTTPClient, fallbackOn404: Bool) async throws
        -> ServerMetadata?
    {
        let endpoint = try Endpoint(url, allowInsecureHTTP: options.allowInsecureHTTP, role: "discovery endpoint")
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: options.userAgent)
        let answer = try await HTTPTransport.send(
            client: httpClient, method: .GET, endpoint: endpoint, headers: headers, body: nil,
            tlsConfiguration: options.tlsConfiguration(identity: nil), timeout: options.timeAmount,
            maximumBodySize: options.maximumResponseBodySize, role: "discovery endpoint", proxy: options.proxy
        )
        if answer.status == 404, fallbackOn404 { return nil }
        guard answer.status == 200 else {
            if (300...399).contains(answer.status) {
                throw TokenResponseProcessing.errorForNon200(answer, endpoint: endpoint, role: "discovery endpoint")
            }
            var message = "the discovery endpoint \(endpoint.url) answered HTTP \(answer.status)"
            message +=
                answer.status == 404
                ? "; check the issuer URL or choose the other discovery form (OpenID Connect or RFC 8414)"
                : "; check the issuer URL and that the server is up"
            throw OAuthClientError(
                .unexpectedStatus, message, endpoint: endpoint.url, statusCode: answer.status, retryAfter: answer.retryAfter)
        }
        let members = try TokenResponseProcessing.jsonObject(answer, endpoint: endpoint, role: "discovery endpoint")
        var metadata = try ServerMetadata(json: members, source: endpoint.url)
        guard IssuerIdentifier.matches(expected: issuer.absoluteString, metadata: metadata.issuer) else {
            throw OAuthClientError(
                .issuerMismatch,
                "issuer mismatch: the metadata at \(endpoint.url) names the issuer \"\(LogSafe.truncate(metadata.issuer, limit: 200))\" but \"\(issuer.absoluteString)\" was configured; use exactly the issuer the server announces",
                endpoint: issuer.absoluteString
            )
        }
        if metadata.issuer.contains("{tenantid}") {
            // Entra ID's multi-tenant template: the configured, concrete issuer is the one to use.
            metadata.issuer = issuer.absoluteString
        }
        return metadata
    }
}
