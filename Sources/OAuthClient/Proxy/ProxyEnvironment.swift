public import Foundation

/// The proxy environment variables as curl and Go read them, and the proxy
/// they choose for a URL.
///
/// - `https_proxy` / `HTTPS_PROXY` for `https:` URLs, `http_proxy` /
///   `HTTP_PROXY` for `http:` URLs; the lower-case name wins when both are
///   set, an empty value counts as unset. As in Go, `HTTP_PROXY` is ignored
///   when `REQUEST_METHOD` is set (a CGI request could set it as a header).
/// - `no_proxy` / `NO_PROXY`: see ``NoProxyList``.
/// - `ALL_PROXY` is not read.
///
/// A malformed proxy URL is kept as an error and reported for the requests
/// that would use it (never silently sent direct).
public struct ProxyEnvironment: Sendable {
    /// The variable chosen for `https:` URLs and what it says.
    let https: (name: String, proxy: Result<ProxyServer, ProxyURLError>)?
    /// The variable chosen for `http:` URLs and what it says.
    let http: (name: String, proxy: Result<ProxyServer, ProxyURLError>)?
    /// `NO_PROXY`.
    public let noProxy: NoProxyList

    /// No proxy for anything.
    public static let none = ProxyEnvironment(environment: [:])

    /// Reads the variables from `environment` (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        func pick(_ names: [String]) -> (name: String, proxy: Result<ProxyServer, ProxyURLError>)? {
            for name in names {
                guard let value = environment[name], !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                return (name, Result { () throws(ProxyURLError) in try ProxyServer(parsing: value) })
            }
            return nil
        }
        let cgi = environment["REQUEST_METHOD"] != nil
        https = pick(["https_proxy", "HTTPS_PROXY"])
        http = pick(cgi ? ["http_proxy"] : ["http_proxy", "HTTP_PROXY"])
        let noProxyValue = ["no_proxy", "NO_PROXY"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        noProxy = NoProxyList(noProxyValue ?? "")
    }

    /// Whether any proxy variable is set.
    public var isEmpty: Bool { https == nil && http == nil }

    /// The proxy for a request to `url`, nil for direct; throws when the
    /// variable that applies holds a malformed URL (the error names the variable).
    public func proxy(for url: URL) throws(ProxyURLError) -> ProxyServer? {
        let scheme = url.scheme?.lowercased()
        guard let chosen = scheme == "https" ? https : scheme == "http" ? http : nil else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if noProxy.excludes(host: url.host ?? "", port: port) { return nil }
        switch chosen.proxy {
        case .success(let proxy): return proxy
        case .failure(let error): throw ProxyURLError("in \(chosen.name) \(error.problem)")
        }
    }
}
