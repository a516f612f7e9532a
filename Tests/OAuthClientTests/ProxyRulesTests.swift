import Foundation
import Testing
@testable import OAuthClient

@Suite("Proxy URLs, proxy environment variables and NO_PROXY")
struct ProxyRulesTests {
    private func proxy(_ environment: [String: String], _ url: String) throws -> String? {
        try ProxyEnvironment(environment: environment).proxy(for: URL(string: url)!)?.description
    }

    @Test("a proxy URL: http only, scheme optional, default port 80, credentials never shown")
    func proxyURLs() throws {
        let full = try ProxyServer(parsing: "http://alice:s%40cret@Proxy.Example:3128/")
        #expect(full.host == "proxy.example" && full.port == 3128 && full.hasCredentials)
        #expect(full.credentials?.value == ProxyServer.Credentials(username: "alice", password: "s@cret"))
        #expect(full.description == "proxy.example:3128")
        var dumped = ""
        dump(full, to: &dumped)
        #expect(!dumped.contains("s@cret") && !dumped.contains("s%40cret") && !String(reflecting: full).contains("cret"))
        #expect(try ProxyServer(parsing: "proxy.example:8080").description == "proxy.example:8080")
        #expect(try ProxyServer(parsing: "http://proxy.example").port == 80)
        #expect(try ProxyServer(parsing: "http://[::1]:3128").description == "[::1]:3128")
        #expect(!(try ProxyServer(parsing: "http://proxy.example:1").hasCredentials))
        for (text, problem) in [
            ("https://u:hunter2@proxy.example", "https://"), ("socks5://u:hunter2@proxy.example", "socks5://"),
            ("http://u:hunter2@proxy.example/path", "path"), ("", "empty"), ("http://u:hunter2@:8080", "host"),
        ] {
            let error = try #require(throws: ProxyURLError.self) { try ProxyServer(parsing: text) }
            #expect(error.description.contains(problem), "\(text): \(error)")
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test("HTTPS_PROXY for https, HTTP_PROXY for http, lower case first, empty is unset, CGI ignores HTTP_PROXY")
    func variables() throws {
        let both = ["HTTPS_PROXY": "upper:1", "https_proxy": "lower:2", "HTTP_PROXY": "plain:3"]
        #expect(try proxy(both, "https://as.example/") == "lower:2")
        #expect(try proxy(both, "http://as.example/") == "plain:3")
        #expect(try proxy(["HTTPS_PROXY": "upper:1", "https_proxy": ""], "https://as.example/") == "upper:1")
        #expect(try proxy(["HTTP_PROXY": "plain:3"], "https://as.example/") == nil)
        #expect(try proxy(["HTTPS_PROXY": "secure:4"], "http://as.example/") == nil)
        #expect(try proxy([:], "https://as.example/") == nil)
        #expect(try proxy(["HTTP_PROXY": "plain:3", "REQUEST_METHOD": "GET"], "http://as.example/") == nil)
        #expect(try proxy(["http_proxy": "plain:3", "REQUEST_METHOD": "GET"], "http://as.example/") == "plain:3")
        #expect(ProxyEnvironment(environment: [:]).isEmpty)
    }

    @Test("a malformed variable fails the requests that would use it, naming the variable and not the password")
    func malformedVariable() throws {
        let environment = ["HTTPS_PROXY": "ftp://u:hunter2@proxy.example", "NO_PROXY": "direct.example"]
        let error = try #require(throws: ProxyURLError.self) { try proxy(environment, "https://as.example/") }
        #expect(error.description.contains("HTTPS_PROXY") && !error.description.contains("hunter2"))
        #expect(try proxy(environment, "https://direct.example/") == nil)
        #expect(try proxy(environment, "http://as.example/") == nil)
    }

    @Test("NO_PROXY: *, host and subdomains, leading dot or *., no partial labels, case and spaces ignored")
    func noProxyNames() throws {
        let base = ["HTTPS_PROXY": "p:1"]
        func routed(_ noProxy: String, _ url: String) throws -> Bool {
            try proxy(base.merging(["NO_PROXY": noProxy]) { $1 }, url) != nil
        }
        #expect(try !routed("*", "https://as.example/"))
        #expect(try !routed("example.com", "https://example.com/"))
        #expect(try !routed("example.com", "https://api.EXAMPLE.com/"))
        #expect(try !routed(".example.com", "https://example.com/"))
        #expect(try !routed("*.example.com", "https://a.b.example.com/"))
        #expect(try routed("example.com", "https://badexample.com/"))
        #expect(try routed("api.example.com", "https://example.com/"))
        #expect(try !routed(" other.test , Example.com ", "https://example.com/"))
        #expect(try !routed("example.com", "https://example.com./"))
        #expect(try routed("", "https://example.com/"))
        #expect(try routed(",,", "https://example.com/"))
        #expect(try !routed("a.test", "https://a.test/") && routed("a.test", "https://b.test/"))
        // Lower case wins, as for the proxies.
        #expect(try proxy(["HTTPS_PROXY": "p:1", "no_proxy": "a.test", "NO_PROXY": "b.test"], "https://b.test/") != nil)
    }

    @Test("NO_PROXY: ports, IP addresses and CIDR ranges (IPv4 and IPv6); loopback is not excluded implicitly")
    func noProxyAddressesAndPorts() throws {
        let base = ["HTTPS_PROXY": "p:1", "HTTP_PROXY": "p:1"]
        func routed(_ noProxy: String, _ url: String) throws -> Bool {
            try proxy(base.merging(["NO_PROXY": noProxy]) { $1 }, url) != nil
        }
        #expect(try !routed("example.com:8443", "https://example.com:8443/"))
        #expect(try routed("example.com:8443", "https://example.com/"))
        #expect(try !routed("example.com:443", "https://example.com/"))
        #expect(try !routed("example.com:80", "http://api.example.com/"))
        #expect(try !routed("10.1.2.3", "https://10.1.2.3:9443/"))
        #expect(try routed("10.1.2.3", "https://10.1.2.4/"))
        #expect(try !routed("10.0.0.0/8", "https://10.200.3.4/"))
        #expect(try routed("10.0.0.0/8", "https://11.0.0.1/"))
        #expect(try !routed("192.168.1.0/25", "https://192.168.1.127/") && routed("192.168.1.0/25", "https://192.168.1.128/"))
        #expect(try !routed("0.0.0.0/0", "https://8.8.8.8/"))
        #expect(try routed("10.0.0.0/8", "https://ten.example/"))  // names are not resolved
        #expect(try !routed("::1", "https://[::1]:8443/"))
        #expect(try !routed("[::1]:8443", "https://[::1]:8443/") && routed("[::1]:8443", "https://[::1]:9443/"))
        #expect(try !routed("fd00::/8", "https://[fd12:3456::1]/") && routed("fd00::/8", "https://[fe80::1]/"))
        #expect(try !routed("127.0.0.1:8080", "http://127.0.0.1:8080/") && routed("127.0.0.1:8080", "http://127.0.0.1:8081/"))
        #expect(try routed("", "https://127.0.0.1/") && routed("", "https://localhost/") && routed("", "https://[::1]/"))
        #expect(try !routed("localhost,127.0.0.1,::1", "https://localhost:8443/"))
        #expect(try routed("10.0.0.0/33,bad/x", "https://10.0.0.1/"))
    }
}
