public import ArgumentParser
import Foundation
import NIOSSL
import OAuthClient
import Provisioner

/// `tokensmith token`: one ad-hoc grant, the token to standard output.
///
/// The debugging companion to `run`: same OAuthClient, same checks, no
/// manifest. Secrets never come from the command line (where `ps` shows
/// them): from an environment variable or a file.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one client-credentials grant and print the access token.",
        discussion: """
            Example: TOKENSMITH_CLIENT_SECRET=... tokensmith token --issuer https://sso.example.com/realms/prod \\
              --client-id billing-svc --scope invoices:read
            Prints the access token (or, with --json, a JSON object) on standard output; \
            errors go to standard error. Exit 0 on success, 1 when the grant fails, 2 on usage errors.
            """
    )

    @Option(help: ArgumentHelp("Issuer identifier; its metadata is discovered.", valueName: "url"))
    var issuer: String?

    @Option(help: ArgumentHelp("Token endpoint, instead of discovery.", valueName: "url"))
    var tokenEndpoint: String?

    @Option(help: "Discovery document to read: auto (OIDC, then RFC 8414), oidc or oauth2.")
    var discovery: DiscoveryMode = .auto

    @Option(help: ArgumentHelp("The OAuth client_id.", valueName: "id"))
    var clientId: String

    @Option(help: "Client authentication method (default: client_secret_basic with a secret, private_key_jwt with --key-file, else none).")
    var authMethod: AuthMethod?

    /// Where the secret is read from when neither option names a source.
    static let defaultSecretVariable = "TOKENSMITH_CLIENT_SECRET"

    @Option(
        help: ArgumentHelp(
            "Environment variable holding the client secret (default: TOKENSMITH_CLIENT_SECRET, used when set); a variable named here must be set.",
            valueName: "name"))
    var clientSecretEnv: String?

    @Option(help: ArgumentHelp("File holding the client secret (trailing newline ignored).", valueName: "file"), completion: .file())
    var clientSecretFile: String?

    @Option(help: ArgumentHelp("Private key for private_key_jwt or the mTLS methods (PEM or JWK).", valueName: "file"), completion: .file())
    var keyFile: String?

    @Option(help: ArgumentHelp("JWS algorithm of the assertion (derived from the key when absent).", valueName: "alg"))
    var alg: String?

    @Option(help: ArgumentHelp("kid header of the assertion.", valueName: "kid"))
    var kid: String?

    @Option(
        help: ArgumentHelp("Certificate (PEM): mTLS client certificate, or x5t#S256 source for private_key_jwt.", valueName: "file"),
        completion: .file())
    var certificateFile: String?

    @Option(help: ArgumentHelp("Assertion aud: issuer, token_endpoint or a URL.", valueName: "aud"))
    var assertionAudience: String = "issuer"

    @Option(help: ArgumentHelp("Scope; repeat or space-separate.", valueName: "scope"))
    var scope: [String] = []

    @Option(help: ArgumentHelp("RFC 8707 resource indicator; repeatable.", valueName: "uri"))
    var resource: [String] = []

    @Option(help: ArgumentHelp("audience parameter (Auth0, Okta); repeatable.", valueName: "value"))
    var audience: [String] = []

    @Option(help: ArgumentHelp("Extra token request parameter; repeatable.", valueName: "name=value"))
    var param: [String] = []

    @Flag(help: "Use DPoP with a fresh ES256 key.")
    var dpop = false

    @Option(help: ArgumentHelp("DPoP private key (PEM or JWK); implies --dpop.", valueName: "file"), completion: .file())
    var dpopKeyFile: String?

    @Option(help: ArgumentHelp("Extra trusted CA certificates (PEM); repeatable.", valueName: "file"), completion: .file())
    var caFile: [String] = []

    @Flag(help: "Allow plain http:// endpoints (local testing only).")
    var allowInsecureHttp = false

    @Option(help: ArgumentHelp("Timeout of each request, e.g. 10s.", valueName: "duration"))
    var timeout: String = "10s"

    @Flag(help: "Print a JSON object (access_token, token_type, expires_in, expires_at, scope, issuer, client_id).")
    var json = false

    func validate() throws {
        if (issuer == nil) == (tokenEndpoint == nil) { throw ValidationError("Give exactly one of --issuer or --token-endpoint.") }
        if DurationText.parse(timeout) == nil { throw ValidationError("--timeout takes a duration like 10s or 500ms.") }
        if let alg, JWSAlgorithm(name: alg) == nil { throw ValidationError("--alg \(alg) is not a supported JWS algorithm.") }
        if AssertionAudience(parsing: assertionAudience) == nil {
            throw ValidationError("--assertion-audience takes issuer, token_endpoint or an absolute URL, not `\(assertionAudience)`.")
        }
        for item in param where !item.contains("=") { throw ValidationError("--param takes name=value, got `\(item)`.") }
        if clientSecretEnv != nil && clientSecretFile != nil {
            throw ValidationError("Use either --client-secret-env or --client-secret-file, not both.")
        }
        // A named secret source that gives nothing must stop here, before any
        // request: otherwise the grant would go out without credentials.
        _ = try clientSecret()
    }

    func run() async throws {
        do {
            let response = try await grant()
            if json {
                let token = IssuedToken(response: response, clientName: clientId, issuer: issuer ?? tokenEndpoint ?? "", clientID: clientId)
                let bytes = try OutputRenderer.render(OutputSpec(format: .json, path: "-"), token: token)
                FileHandle.standardOutput.write(Data(bytes))
            } else {
                FileHandle.standardOutput.write(Data((response.accessToken + "\n").utf8))
            }
            for warning in response.warnings { StandardErrorLock.write("tokensmith: warning: \(warning)\n") }
        } catch let error as ValidationError {
            throw error
        } catch {
            StandardErrorLock.write("tokensmith: \(error)\n")
            throw ExitCode(1)
        }
    }

    private func grant() async throws -> TokenEndpointResponse {
        let options = Configuration.Options(
            timeout: DurationText.parse(timeout) ?? .seconds(10), allowInsecureHTTP: allowInsecureHttp,
            additionalTrustRoots: caFile.map { .file($0) })
        let authentication = try clientAuthentication()
        var parameters = TokenRequestParameters()
        let scopes = scope.flatMap { $0.split(separator: " ").map(String.init) }
        if !scopes.isEmpty { parameters.setScope(scopes) }
        for value in resource { parameters.addResource(value) }
        for value in audience { parameters.addAudience(value) }
        for item in param {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters.append(String(parts[0]), String(parts[1]))
        }
        let handle: DPoPHandle?
        if let dpopKeyFile {
            handle = try DPoPHandle(key: SigningKey(text: try readText(dpopKeyFile)))
        } else {
            handle = dpop ? try DPoPHandle.generate() : nil
        }
        guard let url = issuer.map({ URL(string: $0) }) ?? tokenEndpoint.flatMap(URL.init(string:)) else {
            throw ValidationError(issuer != nil ? "--issuer is not a URL." : "--token-endpoint is not a URL.")
        }
        // Proxies as `run` takes them for an issuer without `proxy:`: from the environment.
        return try await OAuthHTTP.withHTTPClients { httpClients in
            let proxy = try httpClients.route(for: url, setting: .environment)
            let httpClient = try httpClients.client(via: proxy)
            var options = options
            options.proxy = proxy
            let configuration: Configuration
            if issuer != nil {
                configuration = try await OAuthClient.discovery(
                    issuer: url, clientID: clientId, clientAuthentication: authentication, options: options,
                    httpClient: httpClient, mode: discovery)
            } else {
                configuration = Configuration(
                    serverMetadata: ServerMetadata(issuer: url.absoluteString, tokenEndpoint: url),
                    clientID: clientId, clientAuthentication: authentication, options: options, httpClient: httpClient)
            }
            return try await clientCredentialsGrant(configuration, parameters: parameters, dpop: handle)
        }
    }

    /// The manifest's auth model, filled from the options, turned into
    /// OAuthClient's value exactly as a manifest client's is.
    private func clientAuthentication() throws -> ClientAuthentication {
        let secret = try clientSecret()
        let method = authMethod ?? (keyFile != nil ? .privateKeyJWT : secret != nil ? .clientSecretBasic : AuthMethod.none)
        var auth = ClientAuthDefinition(method: method, secret: secret.map(Redacted.init), keyID: kid)
        auth.assertionAudience = AssertionAudience(parsing: assertionAudience) ?? .issuer
        let algorithm = alg.flatMap(JWSAlgorithm.init(name:))
        switch method {
        case .clientSecretBasic, .clientSecretPost, .clientSecretJWT:
            guard secret != nil else {
                throw ValidationError(
                    "\(method.rawValue) needs a client secret: set \(Self.defaultSecretVariable), or use --client-secret-env or --client-secret-file."
                )
            }
            auth.algorithm = method == .clientSecretJWT ? algorithm ?? .hs256 : nil
        case .privateKeyJWT:
            guard let keyFile else { throw ValidationError("private_key_jwt needs --key-file.") }
            auth.signingKey = try SigningKey(text: try readText(keyFile), algorithm: algorithm, keyID: kid)
            auth.certificateThumbprint = try certificateFile.map { try CertificateThumbprint(certificatePEM: try readText($0)) }
        case .tlsClientAuth, .selfSignedTLSClientAuth:
            guard let certificateFile, let keyFile else {
                throw ValidationError("\(method.rawValue) needs --certificate-file and --key-file.")
            }
            auth.tlsIdentity = try TLSClientIdentity(
                certificateChainPEM: try readText(certificateFile), privateKeyPEM: try readText(keyFile))
        case .none:
            break
        }
        // Every branch above filled what its method needs.
        return auth.clientAuthentication() ?? .none
    }

    /// The client secret: from `--client-secret-file`, the variable named by
    /// `--client-secret-env`, or `TOKENSMITH_CLIENT_SECRET` when set; nil when
    /// none applies. A named source that is unset, unreadable or empty is a
    /// usage error naming it.
    private func clientSecret() throws -> String? {
        if let clientSecretFile {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: clientSecretFile, isDirectory: &isFolder), !isFolder.boolValue,
                let data = FileManager.default.contents(atPath: clientSecretFile)
            else {
                throw ValidationError("--client-secret-file \(clientSecretFile) cannot be read: give a file that exists and is readable.")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") || text.hasSuffix("\r\n") { text.removeLast() }
            guard !text.isEmpty else {
                throw ValidationError("--client-secret-file \(clientSecretFile) is empty: put the client secret in it.")
            }
            return text
        }
        let environment = ProcessInfo.processInfo.environment
        if let clientSecretEnv {
            guard let value = environment[clientSecretEnv], !value.isEmpty else {
                let state = environment[clientSecretEnv] == nil ? "not set" : "empty"
                throw ValidationError("--client-secret-env names \(clientSecretEnv), which is \(state): export the client secret in it.")
            }
            return value
        }
        return environment[Self.defaultSecretVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    private func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("Cannot read \(path): check that it exists and is readable.")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension AuthMethod: ExpressibleByArgument {}
extension DiscoveryMode: ExpressibleByArgument {}
