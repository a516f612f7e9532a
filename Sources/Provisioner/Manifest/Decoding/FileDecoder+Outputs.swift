import YAMLKit

/// `outputs` lists, per client and aggregate, turned into ``OutputSpec`` values.
extension FileDecoder {
    static let formatKeys = ManifestVocabulary.outputFormats.map(\.key)
    /// Every key an output may hold: the format keys, then each format's options once.
    static let outputKeys = ManifestVocabulary.outputFormats.reduce(formatKeys) { keys, format in
        keys + format.options.keys.filter { !keys.contains($0) }
    }
    static let canonicalOutputKeys = ManifestVocabulary.canonicalOutputKeys

    /// The option keys each format accepts besides its own.
    static func optionKeys(for format: String) -> [String] {
        ManifestVocabulary.outputFormats.first { $0.key == format }?.options.keys ?? []
    }

    /// `outputs`, or `clients[3].outputs`.
    static func outputsPath(client: Int?) -> String {
        client.map { clientPath($0) + ".outputs" } ?? "outputs"
    }

    /// The `outputs` list of the client at position `client`, or the top-level one (nil).
    func decodeOutputs(_ node: Node, client: Int?) -> [OutputDraft] {
        func path() -> String { Self.outputsPath(client: client) }
        let scope: OutputScope = client == nil ? .aggregate : .perClient
        if node.scalar?.resolved == .null { return [] }
        guard let sequence = node.sequence else {
            error("`outputs` must be a list, not \(node.kindDescription)", at: node.mark, path: path())
            return []
        }
        var drafts: [OutputDraft] = []
        for (index, item) in sequence.items.enumerated() {
            if let draft = decodeOutput(item, client: client, index: index, scope: scope) { drafts.append(draft) }
        }
        return drafts
    }

    private func decodeOutput(_ node: Node, client: Int?, index: Int, scope: OutputScope) -> OutputDraft? {
        func path() -> String { Self.outputsPath(client: client) + "[\(index)]" }
        guard let block = node.mapping else {
            error("each output must be a mapping such as `{env: out/x.env}`, not \(node.kindDescription)", at: node.mark, path: path())
            return nil
        }
        let fields = fields(of: block, allowed: Self.outputKeys, path: path(), context: "in an output")
        let formats = block.pairs.filter { Self.formatKeys.contains($0.key.scalar?.value ?? "") }
        guard let formatPair = formats.first, let format = formatPair.key.scalar?.value else {
            error("an output needs one of `env`, `json`, `kubernetes_secret` or `template` with its path", at: block.mark, path: path())
            return nil
        }
        if formats.count > 1, let second = formats[1].key.scalar?.value {
            error(
                "an output has one format; split `\(format)` and `\(second)` into two list items", at: formats[1].key.mark,
                path: "\(path()).\(second)")
            return nil
        }
        let usable = Self.optionKeys(for: format)
        for pair in block.pairs {
            guard let key = pair.key.scalar?.value, Self.outputKeys.contains(key), !Self.formatKeys.contains(key), !usable.contains(key)
            else { continue }
            error("`\(key)` does not apply to `\(format)` outputs", at: pair.key.mark, path: "\(path()).\(key)")
        }

        guard let target = string(formatPair.value, key: format, path: "\(path()).\(format)") else { return nil }
        if scope == .aggregate { checkPathNamesShard(formatPair.value, target: target, path: "\(path()).\(format)") }
        let resolvedPath: String
        if target.value == "-" {
            resolvedPath = "-"
        } else {
            resolvedPath = PathResolution.resolve(target.value, against: outputRoot)
            if !PathResolution.isInside(resolvedPath, root: outputRoot) {
                error(
                    "output path `\(Self.clip(target.value))` escapes the output root \(outputRoot)", at: target.mark,
                    path: "\(path()).\(format)")
                return nil
            }
            if resolvedPath == outputRoot || target.value.hasSuffix("/") {
                error(
                    "output path `\(Self.clip(target.value))` names a folder; give a file name", at: target.mark,
                    path: "\(path()).\(format)")
                return nil
            }
        }

        var mode: UInt16 = 0o600
        if let pair = fields["mode"],
            let text = scalar(pair.value, key: "mode", path: path() + ".mode", expected: "an octal mode like \"0600\"")
        {
            if let parsed = Self.parseMode(text.value) {
                mode = parsed
                if resolvedPath != "-" { checkOutputMode(parsed, at: text.mark, path: path() + ".mode") }
            } else {
                error(
                    "`mode` must be an octal file mode like \"0600\", not `\(Self.clip(text.value))`", at: text.mark, path: path() + ".mode"
                )
            }
        }
        var keys: [String: String] = [:]
        var dropped: Set<OutputKey> = []
        if let pair = fields["keys"] {
            (keys, dropped) = decodeKeyRenames(pair.value, format: format, path: path() + ".keys")
        }

        let outputFormat: OutputSpec.Format
        switch format {
        case "env":
            var options = EnvOptions()
            if let pair = fields["prefix"], let text = string(pair.value, key: "prefix", path: path() + ".prefix", allowEmpty: true) {
                if EnvKey.isValid(text.value + "X") {
                    options.prefix = text.value
                } else {
                    error(
                        "`prefix` must be upper-case letters, digits and `_`, not starting with a digit", at: text.mark,
                        path: path() + ".prefix")
                }
            }
            if let pair = fields["flavor"],
                let flavor = choice(pair.value, key: "flavor", path: path() + ".flavor", as: EnvOptions.Flavor.self)
            {
                options.flavor = flavor
            }
            if let pair = fields["include_scope"] {
                options.includeScope = bool(pair.value, key: "include_scope", path: path() + ".include_scope") ?? false
                if options.includeScope, dropped.contains(.scope) {
                    error(
                        "`include_scope: true` asks for the scope, but `keys` drops it; keep one of the two", at: pair.key.mark,
                        path: path() + ".include_scope")
                }
            }
            outputFormat = .env(options)
        case "json":
            outputFormat = .json
        case "template":
            guard let template = templateSource(fields, path: path(), scope: scope, mark: block.mark) else { return nil }
            outputFormat = .template(template)
        default:
            var options = KubernetesSecretOptions()
            if let pair = fields["name"], let text = string(pair.value, key: "name", path: path() + ".name") {
                if KubernetesNames.subdomainProblem(text.value) == nil {
                    options.name = text.value
                } else {
                    error(
                        "`name` must be a Kubernetes object name (lower-case letters, digits, `-` and `.`, at most 253), not `\(Self.clip(text.value))`",
                        at: text.mark, path: path() + ".name")
                }
            }
            if let pair = fields["namespace"], let text = string(pair.value, key: "namespace", path: path() + ".namespace") {
                if KubernetesNames.labelNameProblem(text.value) == nil {
                    options.namespace = text.value
                } else {
                    error(
                        "`namespace` must be a Kubernetes namespace (lower-case letters, digits and `-`, at most 63), not `\(Self.clip(text.value))`",
                        at: text.mark, path: path() + ".namespace")
                }
            }
            if let pair = fields["labels"] { options.labels = stringMap(pair.value, key: "labels", path: path() + ".labels") }
            if let pair = fields["annotations"] {
                options.annotations = stringMap(pair.value, key: "annotations", path: path() + ".annotations")
            }
            if let pair = fields["data"] { options.data = secretDataTemplates(pair.value, path: path() + ".data") }
            if let pair = fields["type"] {
                let standard = [OutputKey.accessToken, .tokenType, .expiresAt, .scope].filter { !dropped.contains($0) }
                let written = standard.map { keys[$0.rawValue] ?? $0.rawValue } + options.data.map(\.key)
                options.type = secretType(pair.value, path: path() + ".type", writtenKeys: written) ?? options.type
            }
            outputFormat = .kubernetesSecret(options)
        }
        let notify = fields["notify"].map { decodeNotify($0.value, path: path() + ".notify") } ?? []
        let spec = OutputSpec(
            format: outputFormat, path: resolvedPath, mode: mode, keys: keys, droppedKeys: dropped,
            origin: location(target.mark).description, notify: notify)
        return OutputDraft(
            spec: spec, writtenPath: target.value, mark: target.mark, client: client, index: index, format: format,
            location: location(target.mark))
    }

    /// `keys:`: canonical key → new name, or → `~` (null) to leave the key out.
    private func decodeKeyRenames(_ node: Node, format: String, path: @autoclosure () -> String) -> (
        renames: [String: String], dropped: Set<OutputKey>
    ) {
        guard let block = mapping(node, key: "keys", path: path()) else { return ([:], []) }
        var keys: [String: String] = [:]
        var dropped: Set<OutputKey> = []
        for pair in block.pairs {
            guard let key = pair.key.scalar?.value else { continue }
            guard Self.canonicalOutputKeys.contains(key) else {
                error(
                    "unknown output key `\(key)`\(Suggestions.hint(for: key, among: Self.canonicalOutputKeys)); use one of \(Self.canonicalOutputKeys.joined(separator: ", "))",
                    at: pair.key.mark, path: "\(path()).\(key)"
                )
                continue
            }
            if pair.value.scalar?.resolved == .null, let outputKey = OutputKey(rawValue: key) {
                if outputKey == .accessToken {
                    error(
                        "`access_token` cannot be dropped: it is what an output is for; remove the output instead", at: pair.value.mark,
                        path: "\(path()).\(key)")
                } else {
                    dropped.insert(outputKey)
                }
                continue
            }
            guard let text = string(pair.value, key: key, path: "\(path()).\(key)") else { continue }
            if format == "env", !EnvKey.isValid(text.value) {
                error(
                    "env key `\(Self.clip(text.value))` must be upper-case letters, digits and `_`, not starting with a digit",
                    at: text.mark, path: "\(path()).\(key)")
            } else if format == "kubernetes_secret", KubernetesNames.dataKeyProblem(text.value) != nil {
                error(
                    "Secret data key `\(Self.clip(text.value))` may only hold letters, digits, `-`, `_` and `.`", at: text.mark,
                    path: "\(path()).\(key)")
            } else {
                keys[key] = text.value
            }
        }
        return (keys, dropped)
    }

    private func stringMap(_ node: Node, key: String, path: @autoclosure () -> String) -> [String: String] {
        guard let block = mapping(node, key: key, path: path()) else { return [:] }
        var result: [String: String] = [:]
        for pair in block.pairs {
            guard let name = pair.key.scalar?.value, !name.isEmpty else {
                error("`\(key)` names must be non-empty strings", at: pair.key.mark, path: path())
                continue
            }
            if let text = string(pair.value, key: name, path: "\(path()).\(name)", allowEmpty: true) { result[name] = text.value }
        }
        return result
    }

    /// `0600`, `600`, `0o600`; at most `0777`.
    static func parseMode(_ text: String) -> UInt16? {
        var digits = Substring(text)
        if digits.hasPrefix("0o") { digits = digits.dropFirst(2) }
        guard (3...4).contains(digits.count), let value = UInt16(digits, radix: 8), value <= 0o777 else { return nil }
        return value
    }
}
