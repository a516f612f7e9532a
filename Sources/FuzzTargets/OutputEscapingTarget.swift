import Foundation
import OAuthClient
import Provisioner
import YAMLKit

/// One token with fuzzed values written by every writer and read back.
///
/// Fields: flavour and scope flags, client name, issuer, client id, access
/// token, token type, scope, expiry seconds, env prefix. Properties: env files
/// read back (by the flavour's own rules) to exactly the values written, and
/// only a value the flavour truly cannot carry is refused; the JSON parses with
/// Foundation to the same values; the Secret parses with YAMLKit, its `data`
/// decodes to the same values and its annotations keep issuer and client id;
/// every template filter's output reads back with its format's reader
/// (``OutputTemplateEscaping``).
enum OutputEscapingTarget {
    static func run(_ input: [UInt8]) throws(FuzzFinding) {
        var fields = FuzzFields(input)
        let flags = fields.byte()
        let flavor = EnvOptions.Flavor.allCases[Int(flags) % EnvOptions.Flavor.allCases.count]
        let includeScope = flags & 0x10 != 0
        let token = IssuedToken(
            clientName: fields.text(), issuer: fields.text(), clientID: fields.text(), accessToken: fields.text(),
            tokenType: fields.text(), expiresIn: nil,
            expiresAt: flags & 0x20 != 0 ? nil : Date(timeIntervalSince1970: TimeInterval(fields.int32())),
            scope: flags & 0x40 != 0 ? nil : fields.text(), issuedAt: Date(timeIntervalSince1970: 0)
        )
        let prefix = fields.text()
        try checkEnv(token, options: EnvOptions(prefix: prefix, flavor: flavor, includeScope: includeScope))
        try checkJSON(token)
        try checkSecret(token)
        try OutputTemplateEscaping.check(token)
    }

    // MARK: env

    static func checkEnv(_ token: IssuedToken, options: EnvOptions) throws(FuzzFinding) {
        var expected: [(String, String)] = [("ACCESS_TOKEN", token.accessToken), ("TOKEN_TYPE", token.tokenType)]
        if let expiresAt = token.expiresAt { expected.append(("EXPIRES_AT", RFC3339.string(from: expiresAt))) }
        if options.includeScope, let scope = token.scope { expected.append(("SCOPE", scope)) }
        let spec = OutputSpec(format: .env(options), path: "fuzz.env")
        let bytes: [UInt8]
        do {
            bytes = try EnvRenderer.render(token, spec: spec, options: options)
        } catch {
            try checkEnvRefusal(error, expected: expected, options: options)
            return
        }
        guard let read = EnvFileReader.read(bytes, flavor: options.flavor) else {
            throw FuzzFinding("the \(options.flavor) env file does not read back:\n\(String(decoding: bytes, as: UTF8.self))")
        }
        let want = expected.map { (options.prefix + $0.0, $0.1) }
        guard read.count == want.count, zip(read, want).allSatisfy({ $0.0 == $1.0 && $0.1 == $1.1 }) else {
            throw FuzzFinding(
                "the \(options.flavor) env file reads back different keys or values:\n\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    /// A refusal must have a reason the flavour really has.
    static func checkEnvRefusal(_ error: OutputError, expected: [(String, String)], options: EnvOptions) throws(FuzzFinding) {
        switch error.code {
        case .invalidEnvKey:
            if expected.allSatisfy({ isValidEnvKey(options.prefix + $0.0) }) {
                throw FuzzFinding("valid keys were refused: \(error.description)")
            }
        case .unrepresentableEnvValue:
            let reason = expected.contains { $0.1.utf8.contains(0) || (options.flavor == .dotenv && EnvFileReader.dotenvCannotCarry($0.1)) }
            if !reason {
                throw FuzzFinding("a value the \(options.flavor) flavour can carry was called unrepresentable: \(error.description)")
            }
        case .unsafeEnvValue:
            switch options.flavor {
            case .shell:
                throw FuzzFinding("the shell flavour refused a value bash can carry: \(error.description)")
            case .docker:
                if expected.allSatisfy({ $0.1.utf8.allSatisfy(EnvFileReader.isBareSafe) }) {
                    throw FuzzFinding("the docker flavour refused a plain value: \(error.description)")
                }
            case .dotenv:
                if !expected.contains(where: { EnvFileReader.dotenvCannotCarry($0.1) }) {
                    throw FuzzFinding("the dotenv flavour refused a value python-dotenv can carry: \(error.description)")
                }
            }
        default:
            throw FuzzFinding("unexpected refusal: \(error.description)")
        }
    }

    /// The oracle for `.invalidEnvKey` refusals: `[A-Z_][A-Z0-9_]*`, written
    /// here on purpose rather than calling Provisioner's `EnvKey.isValid`,
    /// since that is the rule the property checks the writer against.
    static func isValidEnvKey(_ key: String) -> Bool {
        guard let first = key.utf8.first, first == UInt8(ascii: "_") || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else {
            return false
        }
        return key.utf8.allSatisfy {
            $0 == UInt8(ascii: "_") || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }

    // MARK: JSON

    static func checkJSON(_ token: IssuedToken) throws(FuzzFinding) {
        let bytes: [UInt8]
        do {
            bytes = try JSONRenderer.render(token, spec: OutputSpec(format: .json, path: "fuzz.json"))
        } catch {
            throw FuzzFinding("the JSON writer refused a token: \(error.description)")
        }
        // Read with OAuthClient's parser, not the writer's code. (Foundation's
        // JSONSerialization on Linux drops a trailing U+FEFF from strings, so
        // it cannot be the judge here; Python's json module agrees with this one.)
        guard case .object(let object)? = try? JSONValue(parsing: bytes) else {
            throw FuzzFinding("the JSON file does not parse:\n\(String(decoding: bytes, as: UTF8.self))")
        }
        var expected: [String: String] = [
            "access_token": token.accessToken, "token_type": token.tokenType, "issuer": token.issuer, "client_id": token.clientID,
        ]
        if let scope = token.scope { expected["scope"] = scope }
        for (key, value) in expected where object[key]?.stringValue != value {
            throw FuzzFinding("the JSON member \(key) reads back differently:\n\(String(decoding: bytes, as: UTF8.self))")
        }
    }

    // MARK: Kubernetes Secret

    static func checkSecret(_ token: IssuedToken) throws(FuzzFinding) {
        let options = KubernetesSecretOptions(name: "fuzz-secret", namespace: "fuzz")
        let bytes: [UInt8]
        do {
            bytes = try KubernetesSecretRenderer.render(
                token, spec: OutputSpec(format: .kubernetesSecret(options), path: "fuzz.yaml"), options: options)
        } catch {
            if error.code == .secretTooLarge || error.code == .invalidAnnotation { return }
            throw FuzzFinding("the Secret writer refused a token: \(error.description)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let document: Node?
        do {
            document = try YAMLParser().parseSingle(text, file: "secret.yaml")
        } catch {
            throw FuzzFinding("the Secret does not parse: \(error.message)\n\(text)")
        }
        guard let secret = document?.mapping, let data = secret["data"]?.mapping,
            let annotations = secret["metadata"]?.mapping?["annotations"]?.mapping
        else {
            throw FuzzFinding("the Secret lacks data or annotations:\n\(text)")
        }
        var expected: [String: String] = ["access_token": token.accessToken, "token_type": token.tokenType]
        if let scope = token.scope { expected["scope"] = scope }
        for (key, value) in expected {
            guard let encoded = data[key]?.scalar?.value, let decoded = Data(base64Encoded: encoded),
                decoded == Data(value.utf8)
            else {
                throw FuzzFinding("the Secret's data.\(key) decodes differently:\n\(text)")
            }
        }
        guard annotations[KubernetesSecretRenderer.issuerAnnotation]?.scalar?.value == token.issuer,
            annotations[KubernetesSecretRenderer.clientIDAnnotation]?.scalar?.value == token.clientID
        else {
            throw FuzzFinding("the Secret's annotations read back differently:\n\(text)")
        }
    }
}
