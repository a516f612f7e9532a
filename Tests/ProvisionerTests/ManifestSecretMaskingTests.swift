import Foundation
import Provisioner
import Testing

/// Secrets under misspelt or unknown keys never reach a diagnostic: the rule is
/// the key's shape and the `auth` mapping around it, not a list of spellings.
@Suite("Manifest diagnostics hide secrets under any key")
struct ManifestSecretMaskingTests {
    static let secret = "S3cretValue9xQ"

    /// A client whose `auth` line is `auth`, for block-style cases that replace the whole `auth` mapping.
    static func manifest(
        client: String = "", auth: String = "    auth: {method: client_secret_basic, secret: \"${X:-abc}\"}", top: String = ""
    ) -> String {
        """
        version: 1
        \(top)
        issuers:
          corp: {issuer: https://sso.example.com}
        clients:
          - name: billing
            issuer: corp
            client_id: billing
        \(client)
        \(auth)
            outputs: [{env: billing.env}]
        """
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        /// A phrase one diagnostic's message must contain (none for YAML syntax errors).
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "client_secret in flow auth",
            text: manifest(auth: "    auth: {method: client_secret_basic, client_secret: \"\(secret)\"}"),
            message: "unknown key `client_secret` in `auth`; did you mean `secret`?"),
        Case(
            name: "password in block auth", text: manifest(auth: "    auth:\n      method: client_secret_basic\n      password: \(secret)"),
            message: "unknown key `password` in `auth`; did you mean `secret`?"),
        Case(
            name: "secert (a typo) in block auth",
            text: manifest(auth: "    auth:\n      method: client_secret_basic\n      secert: '\(secret)'"),
            message: "did you mean `secret`?"),
        Case(
            name: "clientSecret, camel case", text: manifest(auth: "    auth: {method: client_secret_post, clientSecret: \(secret)}"),
            message: "did you mean `secret`?"),
        Case(
            name: "client_secret_file for secret_file",
            text: manifest(auth: "    auth: {method: client_secret_post, client_secret_file: secrets/billing.txt}"),
            message: "did you mean `secret_file`?"),
        Case(
            name: "an unknown key inside auth", text: manifest(auth: "    auth: {method: client_secret_post, zork: \(secret)}"),
            message: "unknown key `zork` in `auth`"),
        Case(
            name: "a bare secret inside a flow auth", text: manifest(auth: "    auth: {method: client_secret_post, \(secret)}"),
            message: "a key without a value in `auth`"),
        Case(
            name: "a secret over two lines under a misspelt key",
            text: manifest(auth: "    auth:\n      method: client_secret_post\n      pasword: \(secret)\n        S3condPiece7Yz"),
            message: "unknown key `pasword`"),
        Case(
            name: "password at the client level", text: manifest(client: "    password: \(secret)"),
            message: "a client's secret goes under `auth`"),
        Case(
            name: "API key at the top level", text: manifest(top: "api_key: \(secret)"),
            message: "unknown key `api_key` at the top level"),
        Case(
            name: "a misspelt auth holding the secret", text: manifest(auth: "    auht: {method: client_secret_post, secret: \(secret)}"),
            message: "unknown key `auht` in a client"),
        Case(
            name: "a line that does not parse, flow",
            text: manifest(auth: "    auth: {method: client_secret_post, client_secret: \(secret): x}"),
            message: ""),
        Case(
            name: "a line that does not parse, block auth",
            text: manifest(auth: "    auth:\n      method: client_secret_post\n      pass: \(secret): x"),
            message: ""),
        Case(
            name: "a line that does not parse, credential key",
            text: manifest(auth: "    auth:\n      method: client_secret_post\n      client_secret: '\(secret)': x"),
            message: ""),
    ]

    @Test("the secret is in no diagnostic, and the user is still told what is wrong", arguments: cases)
    func secretIsHidden(_ testCase: Case) throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let result = ManifestTestSupport.load(testCase.text, in: folder, mode: 0o600)
        let first = try #require(result.diagnostics.first { $0.severity == .error })
        if !testCase.message.isEmpty {
            #expect(result.diagnostics.contains { $0.message.contains(testCase.message) }, "\(result.diagnostics.map(\.summary))")
        }
        let shown = result.diagnostics.map { $0.description + "\n" + $0.jsonLine }.joined(separator: "\n") + result.summary
        #expect(!shown.contains(Self.secret), "\(testCase.name): the secret is shown")
        #expect(!shown.contains("S3condPiece7Yz"))
        #expect(first.sourceLine != nil, "the source line is still shown, masked")
    }

    @Test("public values stay visible: the method, key ids, paths and names")
    func publicValuesStayVisible() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = Self.manifest(auth: "    auth: {method: client_secret_bsic, secret: \(Self.secret)}")
        let result = ManifestTestSupport.load(text, in: folder, mode: 0o600)
        let first = try #require(result.diagnostics.first)
        #expect(first.message.contains("unknown method `client_secret_bsic`; did you mean `client_secret_basic`?"))
        #expect(first.sourceLine == "    auth: {method: client_secret_bsic, secret: <redacted>")
    }

    @Test("an issuer named like `auth` (auth0) is a name, not an auth mapping: its settings show, a secret-like key under it still hides")
    func issuerNamedAuth0() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let text = """
            version: 1
            issuers:
              auth0:
                token_endpoint: https://tenant.example.com/oauth/token
                rate_limit: 100/x
                client_secret: \(Self.secret)
            clients:
              - {name: billing, issuer: auth0, client_id: billing, auth: {method: client_secret_basic, secret: "${X:-abc}"}}
            """
        let result = ManifestTestSupport.load(text, in: folder, mode: 0o600)
        let rate = try #require(result.diagnostics.first { $0.message.contains("rate_limit") })
        #expect(rate.sourceLine == "    rate_limit: 100/x")
        let misplaced = try #require(result.diagnostics.first { $0.message.contains("client_secret") })
        #expect(misplaced.sourceLine == "    client_secret: <redacted>")
        let shown = result.diagnostics.map { $0.description + "\n" + $0.jsonLine }.joined(separator: "\n")
        #expect(!shown.contains(Self.secret))
    }

    @Test("a secret file's path stays visible, ${VAR} in it included, and a long one keeps its file name")
    func secretFilePathStaysVisible() throws {
        let folder = try ManifestTestSupport.temporaryFolder()
        let line = "    auth: {method: client_secret_post, secret_file: \"${CREDENTIALS_DIRECTORY}/billing-secret\"}"
        let long = "/var/lib/tokensmith-credentials/a-rather-long-folder-name/another-level/billing-secret"
        let result = ManifestTestSupport.load(
            Self.manifest(auth: line), in: folder, environment: ["CREDENTIALS_DIRECTORY": "/nonexistent"], mode: 0o600)
        let first = try #require(result.diagnostics.first)
        #expect(first.sourceLine == line)
        let block = "    auth:\n      method: client_secret_post\n      secret_file: ${CREDENTIALS_DIRECTORY}/billing-secret"
        let blockResult = ManifestTestSupport.load(
            Self.manifest(auth: block), in: folder, environment: ["CREDENTIALS_DIRECTORY": "/nonexistent"], mode: 0o600)
        #expect(blockResult.diagnostics.first?.sourceLine == "      secret_file: ${CREDENTIALS_DIRECTORY}/billing-secret")
        let longResult = ManifestTestSupport.load(
            Self.manifest(auth: "    auth: {method: client_secret_post, secret_file: \(long)}"), in: folder, mode: 0o600)
        let message = try #require(longResult.diagnostics.first?.message)
        #expect(message.contains("billing-secret") && message.contains("does not exist"), "\(message)")
    }

    @Test("keys that look like credentials, and keys that do not")
    func credentialShapes() {
        for key in [
            "secret", "client_secret", "clientSecret", "PASSWORD", "passwd", "pwd", "api_key", "apiKey", "API-KEY",
            "secert", "pasword", "tokn", "auth_token", "credentials", "private_key", "privte_key", "bearerToken",
            "Clientzecret", "priv_te_key",
        ] {
            #expect(CredentialKeys.looksLikeCredential(key), "\(key)")
        }
        for key in [
            "scope", "timeout", "client_id", "issuer", "resource", "audience", "params", "prefix", "kid", "alg",
            "method", "mode", "flavor", "namespace", "labels", "expires_at", "renew_before", "dpop", "keys", "name", "scoop",
            "timout", "resouce", "max_concurency",
        ] {
            #expect(!CredentialKeys.looksLikeCredential(key), "\(key)")
        }
        #expect(CredentialKeys.role(of: "token_endpoint", parentKey: "corp", insideAuth: false) == .plain)
        #expect(CredentialKeys.role(of: "allow_insecure_http", parentKey: "corp", insideAuth: false) == .plain)
        #expect(CredentialKeys.role(of: "secret", parentKey: nil, insideAuth: false) == .secret)
        #expect(CredentialKeys.role(of: "secret_file", parentKey: "auth", insideAuth: true) == .plain)
        #expect(CredentialKeys.role(of: "access_token", parentKey: "keys", insideAuth: false) == .plain)
        #expect(CredentialKeys.role(of: "basic-auth", parentKey: "x-templates", insideAuth: false) == .auth)
        #expect(CredentialKeys.role(of: "zork", parentKey: "auth", insideAuth: true) == .secret)
    }
}
