import AsyncHTTPClient
import Foundation

/// An HTTP proxy: where it listens and the credentials it wants.
///
/// Requests go through it with `CONNECT` (AsyncHTTPClient tunnels `http:` and
/// `https:` alike), so TLS, mTLS included, stays end to end. The credentials
/// come from the proxy URL (`http://user:password@host:port`), are sent as
/// `Proxy-Authorization: Basic` on the `CONNECT` only, and never appear in
/// ``description``, `dump` or an error: ``description`` is `host:port`.
public struct ProxyServer: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The proxy's host name or IP address (IPv6 without brackets).
    public let host: String
    /// The proxy's port; 80 when the URL gives none.
    public let port: Int
    /// The user name and password from the URL, percent-decoded.
    let credentials: Redacted<Credentials>?

    /// A user name and password.
    struct Credentials: Sendable, Hashable {
        let username: String
        let password: String
    }

    /// A proxy without credentials.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
        self.credentials = nil
    }

    /// Parses a proxy URL as curl and Go read `HTTPS_PROXY`: `http://[user[:password]@]host[:port][/]`;
    /// without a scheme, `http://` is assumed. Only `http:` proxies are supported
    /// (AsyncHTTPClient cannot speak TLS to the proxy itself). The error never
    /// repeats the URL, which may hold a password.
    public init(parsing text: String) throws(ProxyURLError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ProxyURLError("is empty") }
        let withScheme = trimmed.contains("://") ? trimmed : "http://" + trimmed
        guard let components = URLComponents(string: withScheme), let scheme = components.scheme?.lowercased() else {
            throw ProxyURLError("is not a URL")
        }
        switch scheme {
        case "http": break
        case "https":
            throw ProxyURLError("uses https://, which is not supported (TLS to the proxy itself); use an http:// proxy URL")
        default:
            throw ProxyURLError("uses the scheme \(scheme)://, which is not supported; use an http:// proxy URL")
        }
        guard var host = components.host, !host.isEmpty else { throw ProxyURLError("has no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil else {
            throw ProxyURLError("has a path, query or fragment; a proxy URL is http://[user:password@]host[:port]")
        }
        let port = components.port ?? 80
        guard (1...65535).contains(port) else { throw ProxyURLError("has a port outside 1–65535") }
        self.host = host.lowercased()
        self.port = port
        if let user = components.user {
            self.credentials = Redacted(Credentials(username: user, password: components.password ?? ""))
        } else {
            self.credentials = nil
        }
    }

    /// Whether the URL carried a user name (and so `Proxy-Authorization` is sent).
    public var hasCredentials: Bool { credentials != nil }

    /// `host:port` (IPv6 in brackets); never the credentials.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// `host` and `port` only, so `dump` shows no credentials.
    public var customMirror: Mirror { Mirror(self, children: ["host": host, "port": port], displayStyle: .struct) }

    /// The AsyncHTTPClient proxy configuration.
    var clientProxy: HTTPClient.Configuration.Proxy {
        .server(
            host: host, port: port,
            authorization: credentials.map { .basic(username: $0.value.username, password: $0.value.password) })
    }
}

/// Why a proxy URL was refused; the message says what is wrong without the URL itself.
public struct ProxyURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, to follow "the proxy URL …".
    public let problem: String

    init(_ problem: String) { self.problem = problem }

    /// "the proxy URL …".
    public var description: String { "the proxy URL \(problem)" }
}
