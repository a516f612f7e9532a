import OAuthClient
import YAMLKit

/// One entry of `clients`.
extension FileDecoder {
    static let clientKeys = ManifestVocabulary.client.keys
    static let dpopKeys = ManifestVocabulary.dpop.keys
    /// Parameters OAuthClient sets itself; `params` must not override them.
    static let reservedParameters = ManifestVocabulary.reservedParameters
    /// Parameters that have their own manifest key.
    static let keyedParameters = ManifestVocabulary.keyedParameters

    /// `clients[3]`: the key path of the client at `index`, spelt only for a message.
    static func clientPath(_ index: Int) -> String { "clients[\(index)]" }

    /// Decodes the client at `index` of the file's `clients` list.
    func decodeClient(_ node: Node, index: Int) -> ClientDraft? {
        // Built only for a message: a valid client never spells its key paths.
        func path() -> String { Self.clientPath(index) }
        guard let block = node.mapping else {
            error(
                "each client must be a mapping with `name`, `issuer`, `client_id` and `auth`, not \(node.kindDescription)", at: node.mark,
                path: path())
            return nil
        }
        let fields = fields(of: block, allowed: Self.clientKeys, path: path(), context: "in a client")

        var nameText: ScalarText?
        if let pair = fields["name"], let text = string(pair.value, key: "name", path: path() + ".name") {
            if checkName(text, what: "client", path: path() + ".name") { nameText = text }
        } else if fields["name"] == nil {
            error("a client has no `name`", at: block.mark, path: path() + ".name")
        }
        let displayName = nameText.map { "client `\($0.value)`" } ?? "the client"

        var issuerReference: ScalarText?
        if let pair = fields["issuer"] {
            issuerReference = string(pair.value, key: "issuer", path: path() + ".issuer")
        } else {
            error("\(displayName) has no `issuer`", at: block.mark, path: path() + ".issuer")
        }

        var clientID = ""
        if let pair = fields["client_id"] {
            clientID = string(pair.value, key: "client_id", path: path() + ".client_id")?.value ?? ""
        } else {
            error("\(displayName) has no `client_id`", at: block.mark, path: path() + ".client_id")
        }

        var identityParts: [String] = []
        var auth = ClientAuthDefinition(method: .none)
        if let pair = fields["auth"] {
            if let decoded = decodeAuth(pair.value, path: path() + ".auth") {
                auth = decoded.definition
                identityParts += decoded.identity
            }
        } else {
            error("\(displayName) has no `auth`; add `auth: {method: …}`", at: block.mark, path: path() + ".auth")
        }

        var scope: [String] = []
        if let pair = fields["scope"] { scope = decodeScope(pair.value, path: path() + ".scope") }
        var resource: [String] = []
        if let pair = fields["resource"], let items = stringList(pair.value, key: "resource", path: path() + ".resource") {
            for item in items {
                guard let parts = Self.uriParts(item.value), !parts.hasFragment else {
                    error(
                        "`resource` must be an absolute URI without a fragment, not `\(Self.clip(item.value))`", at: item.mark,
                        path: path() + ".resource")
                    continue
                }
                resource.append(item.value)
            }
        }
        var audience: [String] = []
        if let pair = fields["audience"], let items = stringList(pair.value, key: "audience", path: path() + ".audience") {
            audience = items.map(\.value)
        }
        var params: [TokenRequestParameters.Parameter] = []
        if let pair = fields["params"] { params = decodeParams(pair.value, path: path() + ".params") }

        var dpop: DPoPDefinition?
        if let pair = fields["dpop"] {
            dpop = decodeDPoP(pair.value, path: path() + ".dpop")
        }
        if let dpop {
            identityParts.append("dpop=\(dpop.keyFile.map { "key:\(inspector.hash($0))" } ?? "ephemeral"):\(dpop.algorithm.rawValue)")
        }

        var outputs: [OutputDraft] = []
        if let pair = fields["outputs"] {
            outputs = decodeOutputs(pair.value, client: index)
        }

        // The authentication is built here, once. It is missing only after an
        // error was reported or when secrets are not resolved (`validate
        // --no-secrets`); the loader returns no manifest then, so the
        // placeholder never reaches a grant.
        let definition = ClientDefinition(
            name: nameText?.value ?? "", issuerName: issuerReference?.value ?? "", clientID: clientID, auth: auth,
            authentication: auth.clientAuthentication() ?? ClientAuthentication.none,
            scope: scope, resource: resource, audience: audience, params: params, dpop: dpop,
            outputs: outputs.map(\.spec), location: location(block.mark)
        )
        return ClientDraft(
            definition: definition, override: settingsOverride(fields, path: path()), issuerReference: issuerReference,
            nameText: nameText, index: index, identityParts: identityParts, outputs: outputs
        )
    }

    /// A list of scope tokens, or one space-separated string.
    private func decodeScope(_ node: Node, path: @autoclosure () -> String) -> [String] {
        var scopes: [String] = []
        if let sequence = node.sequence {
            for (index, item) in sequence.items.enumerated() {
                guard let text = string(item, key: "scope", path: "\(path())[\(index)]") else { continue }
                if let problem = Self.scopeTokenProblem(text.value) {
                    error("invalid scope `\(Self.clip(text.value))`: \(problem)", at: text.mark, path: "\(path())[\(index)]")
                } else {
                    scopes.append(text.value)
                }
            }
        } else if let text = string(node, key: "scope", path: path(), allowEmpty: true) {
            for token in text.value.split(separator: " ") {
                if let problem = Self.scopeTokenProblem(String(token)) {
                    error("invalid scope `\(Self.clip(String(token)))`: \(problem)", at: text.mark, path: path())
                } else {
                    scopes.append(String(token))
                }
            }
        }
        return scopes
    }

    /// Why `token` is not an RFC 6749 scope-token (`%x21 / %x23-5B / %x5D-7E`), or nil.
    static func scopeTokenProblem(_ token: String) -> String? {
        for byte in token.utf8 {
            switch byte {
            case 0x20: return "a scope cannot contain spaces; give each scope as its own list item"
            case 0x22, 0x5C: return "a scope cannot contain `\"` or `\\`"
            case 0x21...0x7E: continue
            default: return "a scope may only hold printable ASCII characters"
            }
        }
        return nil
    }

    private func decodeParams(_ node: Node, path: @autoclosure () -> String) -> [TokenRequestParameters.Parameter] {
        guard let block = mapping(node, key: "params", path: path()) else { return [] }
        var params: [TokenRequestParameters.Parameter] = []
        for pair in block.pairs {
            guard let name = pair.key.scalar?.value, !name.isEmpty else {
                error("parameter names must be non-empty strings", at: pair.key.mark, path: path())
                continue
            }
            let itemPath = "\(path()).\(name)"
            if Self.reservedParameters.contains(name) {
                error("`\(name)` is set by tokensmith from the client's `auth`; remove it from `params`", at: pair.key.mark, path: itemPath)
                continue
            }
            if Self.keyedParameters.contains(name) {
                error("give `\(name)` as the client's own `\(name)` key, not in `params`", at: pair.key.mark, path: itemPath)
                continue
            }
            if let items = stringList(pair.value, key: name, path: itemPath) {
                params += items.map { TokenRequestParameters.Parameter(name, $0.value) }
            }
        }
        return params
    }

    private func decodeDPoP(_ node: Node, path: @autoclosure () -> String) -> DPoPDefinition? {
        if node.scalar != nil {
            return bool(node, key: "dpop", path: path()) == true ? DPoPDefinition() : nil
        }
        guard let block = mapping(node, key: "dpop", path: path()) else { return nil }
        let fields = fields(of: block, allowed: Self.dpopKeys, path: path(), context: "in `dpop`")
        var algorithm: JWSAlgorithm?
        var algorithmMark: Mark?
        if let pair = fields["alg"], let text = string(pair.value, key: "alg", path: path() + ".alg") {
            algorithmMark = text.mark
            let names = DPoPDefinition.supportedAlgorithms.map(\.rawValue)
            if let value = JWSAlgorithm(name: text.value), DPoPDefinition.supportedAlgorithms.contains(value) {
                algorithm = value
            } else {
                error(Self.unknownChoice("unsupported DPoP algorithm", text.value, among: names), at: text.mark, path: path() + ".alg")
            }
        }
        var definition = DPoPDefinition(algorithm: algorithm ?? .es256)
        if let pair = fields["key_file"], let file = filePath(pair.value, key: "key_file", path: path() + ".key_file", kind: .sensitive) {
            definition.keyFile = file.path
            if let key = loadKey(file, algorithm: algorithm, keyID: nil, algorithmMark: algorithmMark, path: path()) {
                if DPoPDefinition.supportedAlgorithms.contains(key.algorithm) {
                    definition.signingKey = key
                    definition.algorithm = key.algorithm
                } else {
                    error(
                        "the DPoP key in `\(Self.clip(file.text.value))` signs with \(key.algorithm), which DPoP does not use here",
                        at: file.text.mark, path: path() + ".key_file")
                }
            }
        }
        return definition
    }

    /// Loads a private key through OAuthClient, reporting an `alg` mismatch at the `alg` line.
    func loadKey(
        _ file: (path: String, text: ScalarText), algorithm: JWSAlgorithm?, keyID: String?, algorithmMark: Mark?,
        path: @autoclosure () -> String
    ) -> SigningKey? {
        guard let result = inspector.signingKey(file.path, algorithm: algorithm, keyID: keyID) else {
            error("`\(Self.clip(file.text.value))` cannot be read", at: file.text.mark, path: path() + ".key_file")
            return nil
        }
        switch result {
        case .success(let key):
            return key
        case .failure(let failure):
            if failure.code == .algorithmMismatch, let algorithmMark, let algorithm {
                error(
                    "`alg: \(algorithm.rawValue)` does not fit the key in `\(Self.clip(file.text.value))`: \(failure.message)",
                    at: algorithmMark, path: path() + ".alg"
                )
            } else {
                error(
                    "cannot use the key in `\(Self.clip(file.text.value))`: \(failure.message)", at: file.text.mark,
                    path: path() + ".key_file")
            }
            return nil
        }
    }
}
