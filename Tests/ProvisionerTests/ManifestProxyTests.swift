import Foundation
import OAuthClient
import Provisioner
import Testing

/// The issuer key `proxy`: a URL or `none`, errors at the value, the URL a secret.
@Suite("Manifest: an issuer's proxy")
struct ManifestProxyTests {
    static func manifest(_ proxyLine: String) -> String {
        """
        version: 1
        issuers:
          corp:
            issuer: https://sso.example.com
        \(proxyLine)
          plain: {issuer: https://other.example.com}
        clients:
          - {name: a, issuer: corp, client_id: a, auth: {method: client_secret_basic, secret: s}, outputs: [{env: a.env}]}
        """
    }

    @Test("absent: the environment; none: direct; a URL (with ${VAR}): that proxy, credentials kept")
    func values() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let absent = ManifestTestSupport.load(Self.manifest(""), in: folder)
        #expect(absent.manifest?.issuer(named: "corp")?.proxy == .environment, "\(ManifestTestSupport.lines(absent))")
        let none = ManifestTestSupport.load(Self.manifest("    proxy: none"), in: folder)
        #expect(none.manifest?.issuer(named: "corp")?.proxy == .direct)
        #expect(none.manifest?.issuer(named: "plain")?.proxy == .environment)
        let url = ManifestTestSupport.load(
            Self.manifest("    proxy: http://bob:${PW}@proxy.internal:3128"), in: folder, environment: ["PW": "pa55word"])
        #expect(url.diagnostics.isEmpty, "\(ManifestTestSupport.lines(url))")
        guard case .server(let proxy) = url.manifest?.issuer(named: "corp")?.proxy else {
            Issue.record("expected a proxy server")
            return
        }
        #expect(proxy.description == "proxy.internal:3128" && proxy.hasCredentials)
        #expect(proxy == (try ProxyServer(parsing: "http://bob:pa55word@proxy.internal:3128")))
        #expect(!String(describing: url.manifest!.issuer(named: "corp")!).contains("pa55word"))
    }

    @Test("a bad proxy URL is an error at its line and column that never shows the value")
    func errors() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        for (value, phrase) in [
            ("https://bob:pa55word@proxy.internal", "https://, which is not supported"),
            ("socks5://bob:pa55word@proxy.internal:1080", "socks5://"),
            ("http://bob:pa55word@proxy.internal/x", "path"),
            ("http://bob:pa55word@:3128", "no host"),
        ] {
            let result = ManifestTestSupport.load(Self.manifest("    proxy: \(value)"), in: folder)
            #expect(result.manifest == nil)
            let lines = ManifestTestSupport.lines(result)
            #expect(lines.count == 1 && lines[0].hasPrefix("5:12: error: `proxy` of issuer `corp`: "), "\(lines)")
            #expect(lines.first?.contains(phrase) == true, "\(lines)")
            for diagnostic in result.diagnostics {
                #expect(!diagnostic.description.contains("pa55word"), "\(diagnostic.description)")
            }
        }
    }

    @Test("the proxy line is hidden in any diagnostic's source line")
    func masking() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = Self.manifest("    proxy: http://bob:pa55word@proxy.internal:3128\n    unknown: 1")
        let result = ManifestTestSupport.load(text, in: folder)
        #expect(!result.diagnostics.isEmpty)
        for diagnostic in result.diagnostics {
            #expect(!diagnostic.description.contains("pa55word"), "\(diagnostic.description)")
        }
        let flow = ManifestTestSupport.load(
            Self.manifest("").replacingOccurrences(
                of: "  plain: {issuer: https://other.example.com}",
                with: "  plain: {issuer: https://other.example.com, proxy: 'http://bob:pa55word@p:1', bogus: 1}"), in: folder)
        #expect(!flow.diagnostics.isEmpty)
        for diagnostic in flow.diagnostics {
            #expect(!diagnostic.description.contains("pa55word"), "\(diagnostic.description)")
        }
    }
}
