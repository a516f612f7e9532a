import OAuthClient
import YAMLKit

/// A client's `auth` block: method, secret, keys and certificates.
extension FileDecoder {
    static let authKeys = ManifestVocabulary.auth.keys

    /// The `auth` keys each method uses besides `method`.
    static func authKeys(for method: AuthMethod) -> [String] {
        switch method {
        case .clientSecretBasic, .clientSecretPost: ["secret", "secret_file"]
        case .clientSecretJWT: ["secret", "secret_file", "alg", "kid", "audience"]
        case .privateKeyJWT: ["key_file", "alg", "kid", "certificate_file", "x5t_sha1", "audience"]
        case .tlsClientAuth, .selfSignedTLSClientAuth: ["certificate_file", "key_file"]
        case .none: []
        }
    }

    func decodeAuth(_ node: Node, path: @autoclosure () -> String) -> (definition: ClientAuthDefinition, identity: [String])? {
        guard let block = mapping(node, key: "auth", path: path()) else { return nil }
        let fields = fields(of: block, allowed: Self.authKeys, path: path(), context: "in `auth`", holdsCredentials: true)
        guard let methodPair = fields["method"] else {
            error(
                "`auth` has no `method`; use one of \(AuthMethod.allCases.map(\.rawValue).joined(separator: ", "))", at: block.mark,
                path: path() + ".method")
            return nil
        }
        guard let method = choice(methodPair.value, key: "method", path: path() + ".method", as: AuthMethod.self) else { return nil }
        let methodMark = methodPair.value.mark
        let usable = Self.authKeys(for: method)
        for pair in block.pairs {
            guard let key = pair.key.scalar?.value, key != "method", Self.authKeys.contains(key), !usable.contains(key) else { continue }
            error("`\(key)` is not used by `\(method.rawValue)`; remove it", at: pair.key.mark, path: "\(path()).\(key)")
        }

        var definition = ClientAuthDefinition(method: method)
        var identity = ["method=\(method.rawValue)"]

        if method.usesSecret {
            decodeSecret(fields, method: method, methodMark: methodMark, path: path(), into: &definition)
            if let secret = definition.secret { identity.append("secret=\(inspector.hash(of: secret))") }
        }

        var algorithmMark: Mark?
        var algorithm: JWSAlgorithm?
        if usable.contains("alg"), let pair = fields["alg"], let text = string(pair.value, key: "alg", path: path() + ".alg") {
            algorithmMark = text.mark
            let allowed =
                method == .clientSecretJWT
                ? JWSAlgorithm.allCases.filter(\.isSymmetric)
                : JWSAlgorithm.allCases.filter { !$0.isSymmetric }
            let names = allowed.map(\.rawValue)
            if let value = JWSAlgorithm(name: text.value), allowed.contains(value) {
                algorithm = value
            } else {
                error(
                    "`\(method.rawValue)` cannot sign with `\(Self.clip(text.value))`; use one of \(names.joined(separator: ", "))",
                    at: text.mark, path: path() + ".alg"
                )
            }
        }
        if usable.contains("kid"), let pair = fields["kid"] {
            definition.keyID = string(pair.value, key: "kid", path: path() + ".kid")?.value
        }
        if usable.contains("audience"), let pair = fields["audience"],
            let text = string(pair.value, key: "audience", path: path() + ".audience")
        {
            if let audience = AssertionAudience(parsing: text.value) {
                definition.assertionAudience = audience
            } else {
                error(
                    "`audience` must be `issuer`, `token_endpoint` or an absolute URL, not `\(Self.clip(text.value))`", at: text.mark,
                    path: path() + ".audience")
            }
        }
        if usable.contains("x5t_sha1"), let pair = fields["x5t_sha1"] {
            definition.x5tSHA1 = bool(pair.value, key: "x5t_sha1", path: path() + ".x5t_sha1") ?? false
            if fields["certificate_file"] == nil {
                error(
                    "`x5t_sha1` needs `certificate_file`, the certificate whose thumbprint is sent", at: pair.key.mark,
                    path: path() + ".x5t_sha1")
            }
        }

        switch method {
        case .clientSecretJWT:
            definition.algorithm = algorithm ?? .hs256
            if let secret = definition.secret {
                let needed = (definition.algorithm == .hs512 ? 64 : definition.algorithm == .hs384 ? 48 : 32)
                if secret.value.utf8.count < needed {
                    warning(
                        "the secret is shorter than the \(needed) bytes RFC 7518 asks for with \(definition.algorithm!.rawValue)",
                        at: (fields["secret"] ?? fields["secret_file"])?.value.mark ?? methodMark, path: path()
                    )
                }
            }
        case .privateKeyJWT:
            guard let pair = fields["key_file"] else {
                error(
                    "`private_key_jwt` needs `key_file`, the client's private key (PEM or JWK)", at: methodMark, path: path() + ".key_file")
                break
            }
            if let file = filePath(pair.value, key: "key_file", path: path() + ".key_file", kind: .sensitive) {
                definition.keyFile = file.path
                if let key = loadKey(file, algorithm: algorithm, keyID: definition.keyID, algorithmMark: algorithmMark, path: path()) {
                    if key.algorithm.isSymmetric {
                        error(
                            "`\(Self.clip(file.text.value))` holds a symmetric key; `private_key_jwt` needs a private key",
                            at: file.text.mark, path: path() + ".key_file")
                    } else {
                        definition.signingKey = key
                        definition.algorithm = key.algorithm
                        definition.keyID = key.keyID
                        identity.append("key=\(inspector.hash(file.path)):\(key.algorithm.rawValue):\(key.keyID ?? "")")
                    }
                }
            }
            if let pair = fields["certificate_file"],
                let file = filePath(pair.value, key: "certificate_file", path: path() + ".certificate_file", kind: .publicMaterial)
            {
                definition.certificateFile = file.path
                switch inspector.thumbprint(file.path, sha1: definition.x5tSHA1) {
                case .success(let thumbprint)?:
                    definition.certificateThumbprint = thumbprint
                    identity.append("x5t=\(thumbprint.sha256):\(definition.x5tSHA1)")
                case .failure(let failure)?:
                    error(
                        "cannot use the certificate in `\(Self.clip(file.text.value))`: \(failure.message)", at: file.text.mark,
                        path: path() + ".certificate_file")
                case nil:
                    error("`\(Self.clip(file.text.value))` cannot be read", at: file.text.mark, path: path() + ".certificate_file")
                }
            }
        case .tlsClientAuth, .selfSignedTLSClientAuth:
            let missing = ["certificate_file", "key_file"].filter { fields[$0] == nil }
            if !missing.isEmpty {
                error(
                    "`\(method.rawValue)` needs \(missing.map { "`\($0)`" }.joined(separator: " and ")): the client certificate and its private key",
                    at: methodMark, path: path() + "." + missing[0]
                )
            }
            let certificate = fields["certificate_file"].flatMap {
                filePath($0.value, key: "certificate_file", path: path() + ".certificate_file", kind: .publicMaterial)
            }
            let key = fields["key_file"].flatMap { filePath($0.value, key: "key_file", path: path() + ".key_file", kind: .sensitive) }
            definition.certificateFile = certificate?.path
            definition.keyFile = key?.path
            if let certificate, let key {
                switch inspector.tlsIdentity(certificate: certificate.path, key: key.path) {
                case .success(let tlsIdentity)?:
                    definition.tlsIdentity = tlsIdentity
                    identity.append("tls=\(inspector.hash(certificate.path)):\(inspector.hash(key.path))")
                case .failure(let failure)?:
                    let mark = failure.code == .invalidKey ? key.text.mark : certificate.text.mark
                    error("cannot use the client certificate and key: \(failure.message)", at: mark, path: path())
                case nil:
                    error("the client certificate or key cannot be read", at: certificate.text.mark, path: path())
                }
            }
        default:
            break
        }
        switch definition.assertionAudience {
        case .issuer: break
        case .tokenEndpoint: identity.append("aud=token_endpoint")
        case .url(let url): identity.append("aud=\(url)")
        }
        return (definition, identity)
    }

    /// `secret` or `secret_file`, exactly one of them.
    private func decodeSecret(
        _ fields: FieldSet, method: AuthMethod, methodMark: Mark, path: @autoclosure () -> String,
        into definition: inout ClientAuthDefinition
    ) {
        let literal = fields["secret"]
        let file = fields["secret_file"]
        if let literal, let file {
            let second = literal.key.mark < file.key.mark ? file : literal
            let secondName = second.key.scalar?.value ?? "secret"
            error(
                "the secret is given twice, as `secret` and `secret_file`; keep one",
                at: second.key.mark, path: "\(path()).\(secondName)"
            )
            return
        }
        if let literal {
            if let scalar = literal.value.scalar {
                // The lines the scalar covers in the source (a folded plain or
                // quoted scalar has no newline left in its value), and for a
                // block scalar one more, generously.
                let extraLines = scalar.value.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
                let sourceLines = scalar.endMark.line - scalar.mark.line + 1
                secretSpans.append(
                    SecretSpan(
                        file: self.file, line: scalar.mark.line, column: scalar.mark.column, lineCount: max(sourceLines, extraLines + 2)))
            }
            guard let text = string(literal.value, key: "secret", path: path() + ".secret") else { return }
            // Unresolved (validate --no-secrets): the value is a placeholder, nothing to check it by.
            if !resolvesSecrets, text.referencesEnvironment { return }
            definition.secret = Redacted(text.value)
            definition.secretSource = text.referencesEnvironment ? .environment : .literal
            if !text.referencesEnvironment, let manifestMode, manifestMode & 0o044 != 0 {
                warning(
                    "the secret is written literally in a manifest readable by group or others (mode \(Self.octal(manifestMode))); use `secret_file` or `${VARIABLE}`",
                    at: text.mark, path: path() + ".secret"
                )
            }
        } else if let file {
            guard let resolved = filePath(file.value, key: "secret_file", path: path() + ".secret_file", kind: .sensitive) else { return }
            guard let bytes = inspector.contents(resolved.path) else {
                error("`\(Self.clip(resolved.text.value))` cannot be read", at: resolved.text.mark, path: path() + ".secret_file")
                return
            }
            var value = String(decoding: bytes, as: UTF8.self)
            while value.hasSuffix("\n") || value.hasSuffix("\r\n") || value.hasSuffix("\r") { value.removeLast() }
            if value.isEmpty {
                error("the secret file `\(Self.clip(resolved.text.value))` is empty", at: resolved.text.mark, path: path() + ".secret_file")
                return
            }
            definition.secret = Redacted(value)
            definition.secretSource = .file(resolved.path)
        } else {
            error("`\(method.rawValue)` needs `secret` or `secret_file`", at: methodMark, path: path() + ".secret")
        }
    }
}
