package import Foundation
import NIOConcurrencyHelpers

/// An endpoint URL checked against the scheme rules, with the forms a request needs precomputed.
package struct Endpoint: Sendable, Hashable {
    /// The URL as sent.
    let url: String
    /// `scheme://host[:port]`, lower-cased, default port dropped; keys the DPoP nonce memory.
    let origin: String
    /// The URL without query and fragment: the DPoP `htu` claim.
    let htu: String
    /// The parsed URL, kept so a request does not parse it again.
    let parsed: URL

    /// Only `https:` (and `http:` when allowed); no other scheme ever; a host is required.
    package init(_ url: URL, allowInsecureHTTP: Bool, role: String) throws(OAuthClientError) {
        let text = url.absoluteString
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw OAuthClientError(.unsupportedURL, "the \(role) \(text) is not an absolute URL with a host", endpoint: text)
        }
        switch scheme {
        case "https":
            break
        case "http":
            guard allowInsecureHTTP else {
                throw OAuthClientError(
                    .insecureURL,
                    "the \(role) \(text) uses plain http; use https, or allow insecure HTTP for this issuer (only for local testing)",
                    endpoint: text
                )
            }
        default:
            throw OAuthClientError(
                .unsupportedURL, "the \(role) \(text) uses the scheme \"\(scheme)\"; only https is allowed", endpoint: text)
        }
        guard components.user == nil, components.password == nil else {
            throw OAuthClientError(.unsupportedURL, "the \(role) must not carry credentials in the URL", endpoint: components.host)
        }
        var originText = "\(scheme)://\(host.lowercased())"
        if let port = components.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            originText += ":\(port)"
        }
        var bare = components
        bare.query = nil
        bare.fragment = nil
        self.url = text
        self.parsed = url
        self.origin = originText
        self.htu = bare.string ?? text
    }
}

/// Issuer identifier comparison (RFC 8414 §3.3, OIDC Discovery §4.3) with URL normalisation.
enum IssuerIdentifier {
    /// Lower-cased scheme and host, default port dropped, one trailing slash dropped.
    static func normalise(_ text: String) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host
        else { return text }
        var out = "\(scheme)://\(host.lowercased())"
        if let port = components.port, !(scheme == "https" && port == 443), !(scheme == "http" && port == 80) {
            out += ":\(port)"
        }
        var path = components.percentEncodedPath
        if path.hasSuffix("/") { path.removeLast() }
        out += path
        if let query = components.percentEncodedQuery { out += "?" + query }
        return out
    }

    /// Whether the metadata's `issuer` matches the configured one.
    ///
    /// Entra ID's multi-tenant metadata says `https://login.microsoftonline.com/{tenantid}/v2.0`;
    /// the template segment then matches any one path segment of the configured issuer.
    static func matches(expected: String, metadata: String) -> Bool {
        let expectedNormal = normalise(expected)
        if expectedNormal == normalise(metadata) { return true }
        guard metadata.contains("{tenantid}") else { return false }
        let placeholder = "tenantid-template-0c6f"
        let parts = normalise(metadata.replacingOccurrences(of: "{tenantid}", with: placeholder)).components(separatedBy: placeholder)
        guard parts.count == 2, expectedNormal.hasPrefix(parts[0]), expectedNormal.hasSuffix(parts[1]),
            expectedNormal.count > parts[0].count + parts[1].count
        else { return false }
        let middle = expectedNormal.dropFirst(parts[0].count).dropLast(parts[1].count)
        return !middle.contains("/")
    }
}
