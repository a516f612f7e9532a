import YAMLKit

/// Aggregate outputs under `--shard`/`--shard-count`: each shard writes its
/// own clients to its own file, so the file's path must name the shard.
extension FileDecoder {
    /// Whether this load is for one shard: the loader defines
    /// `TOKENSMITH_SHARD` then, and only then.
    var isSharded: Bool { environment[Shard.environmentVariable] != nil }

    /// Reports a file-backed aggregate output whose path is the same for every
    /// shard: the shards would overwrite each other's file in turn.
    ///
    /// The raw text is expanded with two shard indexes and both paths resolved,
    /// so `${TOKENSMITH_SHARD:-x}` counts and `dir-${TOKENSMITH_SHARD}/..` does not.
    func checkPathNamesShard(_ node: Node, target: ScalarText, path: @autoclosure () -> String) {
        guard isSharded, target.value != "-", let raw = node.scalar?.value else { return }
        func resolved(index: String) -> String {
            var environment = self.environment
            environment[Shard.environmentVariable] = index
            return PathResolution.resolve(EnvExpansion.expand(raw, environment: environment).value, against: outputRoot)
        }
        guard resolved(index: "0") == resolved(index: "1") else { return }
        error(
            "under --shard/--shard-count each shard writes this aggregate output with its own clients only, so its path must differ per shard; put `${\(Shard.environmentVariable)}` in it, e.g. `\(Self.clip(Self.perShardExample(raw)))`",
            at: target.mark, path: path()
        )
    }

    /// `out/tokens.json` → `out/tokens-${TOKENSMITH_SHARD}.json`.
    static func perShardExample(_ raw: String) -> String {
        let variable = "-${\(Shard.environmentVariable)}"
        let slash = raw.lastIndex(of: "/").map { raw.index(after: $0) } ?? raw.startIndex
        guard let dot = raw[slash...].lastIndex(of: "."), dot > slash else { return raw + variable }
        return String(raw[..<dot]) + variable + String(raw[dot...])
    }
}
