import Testing
import Foundation
import NIOCore
import NIOHTTP1
@testable import OAuthClient

@Suite("Form encoding and request bodies")
struct FormEncodingTests {
    @Test("RFC 6749 Appendix B vector with the reference's extra escapes, byte for byte")
    func appendixBVector() {
        let encoded = FormEncoding.encode("client %&+-_.!~*'()")
        #expect(Array(encoded.utf8) == Array("client+%25%26%2B%2D%5F%2E%21%7E%2A%27%28%29".utf8))
    }

    @Test("non-ASCII is percent-encoded as UTF-8")
    func unicode() {
        #expect(FormEncoding.encode("é/€") == "%C3%A9%2F%E2%82%AC")
    }

    @Test("Basic header: id and secret each form-encoded, joined by a colon, base64")
    func basicHeader() throws {
        let config = Configuration(
            serverMetadata: ServerMetadata(issuer: "https://as.example", tokenEndpoint: URL(string: "https://as.example/token")),
            clientID: "client %&+-_.!~*'()",
            clientAuthentication: .clientSecretBasic("s:e c")
        )
        let header = try #require(config.prepared.baseHeaders.first(name: "Authorization"))
        let expected = "client+%25%26%2B%2D%5F%2E%21%7E%2A%27%28%29:s%3Ae+c"
        #expect(header == "Basic " + Base64URL.encodeStandard(Array(expected.utf8)))
    }

    @Test("body: caller parameters in order, then grant_type replacing the caller's, then client auth")
    func bodyOrder() throws {
        let config = Configuration(
            serverMetadata: ServerMetadata(issuer: "https://as.example", tokenEndpoint: URL(string: "https://as.example/token")),
            clientID: "c1",
            clientAuthentication: .clientSecretPost("p w")
        )
        var parameters: TokenRequestParameters = [("resource", "https://a"), ("grant_type", "password"), ("resource", "https://b")]
        parameters.setScope(["read", "write"])
        let body = try TokenRequestBody.make(config, parameters: parameters, now: 0)
        let text = String(buffer: body)
        #expect(
            text
                == "resource=https%3A%2F%2Fa&resource=https%3A%2F%2Fb&scope=read+write&grant_type=client_credentials&client_id=c1&client_secret=p+w"
        )
    }

    @Test("client_secret_basic puts no credentials in the body")
    func basicBody() throws {
        let config = Configuration(
            serverMetadata: ServerMetadata(issuer: "https://as.example", tokenEndpoint: URL(string: "https://as.example/token")),
            clientID: "c1",
            clientAuthentication: .clientSecretBasic("secret")
        )
        let body = try TokenRequestBody.make(config, parameters: ["scope": "a"], now: 0)
        #expect(String(buffer: body) == "scope=a&grant_type=client_credentials")
    }

    @Test("descriptions never show secrets")
    func redaction() {
        let auth = ClientAuthentication.clientSecretBasic("hunter2-secret")
        var dumped = ""
        dump(auth, to: &dumped)
        #expect(!"\(auth)".contains("hunter2"))
        #expect(!String(reflecting: auth).contains("hunter2"))
        #expect(!dumped.contains("hunter2"))
        let redacted = Redacted("hunter2-secret")
        var dumpedRedacted = ""
        dump(redacted, to: &dumpedRedacted)
        #expect("\(redacted)" == "<redacted>")
        #expect(!dumpedRedacted.contains("hunter2"))
        let config = Configuration(
            serverMetadata: ServerMetadata(issuer: "https://as.example", tokenEndpoint: URL(string: "https://as.example/token")),
            clientID: "c1", clientAuthentication: .clientSecretJWT("hunter2-secret")
        )
        var dumpedConfig = ""
        dump(config, to: &dumpedConfig)
        #expect(!"\(config)".contains("hunter2"))
        #expect(!dumpedConfig.contains("hunter2"))
        let basicConfig = Configuration(
            serverMetadata: ServerMetadata(issuer: "https://as.example", tokenEndpoint: URL(string: "https://as.example/token")),
            clientID: "c1", clientAuthentication: .clientSecretBasic("hunter2-secret")
        )
        var dumpedBasic = ""
        dump(basicConfig, to: &dumpedBasic)
        #expect(!dumpedBasic.contains("Basic "))
        #expect(!dumpedBasic.contains("hunter2"))
    }
}
