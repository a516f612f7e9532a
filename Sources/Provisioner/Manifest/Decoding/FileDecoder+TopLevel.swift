import YAMLKit

/// The top level of a manifest file and its `defaults`.
extension FileDecoder {
    static let topLevelKeys = ManifestVocabulary.topLevel.keys
    static let defaultsKeys = ManifestVocabulary.defaults.keys
    static let retryKeys = ManifestVocabulary.retry.keys
    static let supportedVersion = ManifestVocabulary.supportedVersion

    /// Decodes a whole document (nil when the file is empty).
    func decode(_ root: Node?, file record: Manifest.File) -> ManifestFragment {
        var fragment = ManifestFragment(file: record)
        guard let root else {
            error("the manifest is empty; start it with `version: 1`", at: Mark(line: 1, column: 1), path: "")
            return fragment
        }
        guard let mapping = root.mapping else {
            error(
                "the manifest must be a mapping with `version`, `issuers` and `clients`, not \(root.kindDescription)", at: root.mark,
                path: "")
            return fragment
        }
        let fields = fields(of: mapping, allowed: Self.topLevelKeys, path: "", context: "at the top level", extensionPrefix: "x-")

        if let pair = fields["version"] {
            if let text = scalar(pair.value, key: "version", path: "version", expected: "1"),
                text.value != String(Self.supportedVersion)
            {
                error(
                    "unsupported manifest version `\(Self.clip(text.value))`; this tokensmith reads version \(Self.supportedVersion)",
                    at: text.mark, path: "version"
                )
            }
        } else {
            error("the manifest has no `version`; add `version: 1` at the top", at: mapping.mark, path: "version")
        }

        if let pair = fields["defaults"], let block = self.mapping(pair.value, key: "defaults", path: "defaults") {
            fragment.defaults = (decodeDefaults(block), pair.key.mark)
        }
        if let pair = fields["issuers"] {
            fragment.issuers = decodeIssuers(pair.value)
        }
        if let pair = fields["clients"] {
            if let sequence = pair.value.sequence {
                // Streamed during the parse (the tree's list is then empty), or here from the tree.
                fragment.clients = streamedClients
                streamedClients = []
                fragment.clients.reserveCapacity(fragment.clients.count + sequence.items.count)
                for (index, item) in sequence.items.enumerated() {
                    if let draft = decodeClient(item, index: index) { fragment.clients.append(draft) }
                }
            } else if pair.value.scalar?.resolved != .null {
                error("`clients` must be a list, not \(pair.value.kindDescription)", at: pair.value.mark, path: "clients")
            }
        }
        if let pair = fields["outputs"] {
            fragment.outputs = decodeOutputs(pair.value, client: nil)
        }
        return fragment
    }

    /// Decodes one item of the top-level `clients` list as the parser hands
    /// it over (``decode(_:file:)`` then takes the drafts).
    func decodeStreamedClient(_ item: Node, index: Int) {
        if let draft = decodeClient(item, index: index) { streamedClients.append(draft) }
    }

    private func decodeDefaults(_ block: Node.Mapping) -> Defaults {
        let fields = fields(of: block, allowed: Self.defaultsKeys, path: "defaults", context: "in `defaults`")
        var defaults = Defaults.builtIn
        let override = settingsOverride(fields, path: "defaults")
        let settings = override.applied(to: defaults.settings)
        defaults.timeout = settings.timeout
        defaults.retry = settings.retry
        defaults.renewBefore = settings.renewBefore
        if let pair = fields["concurrency"],
            let value = integer(pair.value, key: "concurrency", path: "defaults.concurrency", minimum: 1)
        {
            defaults.concurrency = value
        }
        return defaults
    }

    /// Reads `timeout`, `retry` and `renew_before` out of already-checked fields.
    func settingsOverride(_ fields: FieldSet, path: @autoclosure () -> String) -> SettingsOverride {
        var override = SettingsOverride()
        // Key paths are built only for a message: most clients set none of these.
        func keyPath(_ key: String) -> String {
            let base = path()
            return base.isEmpty ? key : base + "." + key
        }
        if let pair = fields["timeout"] {
            override.timeout = duration(pair.value, key: "timeout", path: keyPath("timeout"))
        }
        if let pair = fields["renew_before"] {
            override.renewBefore = duration(pair.value, key: "renew_before", path: keyPath("renew_before"), allowZero: true)
        }
        if let pair = fields["retry"], let block = mapping(pair.value, key: "retry", path: keyPath("retry")) {
            let retryPath = keyPath("retry")
            let retry = self.fields(of: block, allowed: Self.retryKeys, path: retryPath, context: "in `retry`")
            if let pair = retry["attempts"] {
                override.attempts = integer(pair.value, key: "attempts", path: retryPath + ".attempts", minimum: 1)
            }
            if let pair = retry["initial_backoff"] {
                override.initialBackoff = duration(pair.value, key: "initial_backoff", path: retryPath + ".initial_backoff")
            }
            if let pair = retry["max_backoff"] {
                override.maxBackoff = duration(pair.value, key: "max_backoff", path: retryPath + ".max_backoff")
            }
            if let initial = override.initialBackoff, let maximum = override.maxBackoff, initial > maximum,
                let pair = retry["initial_backoff"]
            {
                error(
                    "`initial_backoff` (\(DurationText.format(initial))) is longer than `max_backoff` (\(DurationText.format(maximum)))",
                    at: pair.value.mark, path: retryPath + ".initial_backoff"
                )
            }
        }
        return override
    }
}
