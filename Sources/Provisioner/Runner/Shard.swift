/// One slice of a fleet: this process handles the clients whose name hashes to `index`.
///
/// The hash is FNV-1a (64-bit) of the client name's UTF-8 bytes, so every
/// machine agrees without coordination and adding a client never moves the others.
///
/// Under sharding an aggregate output holds this shard's clients only, so its
/// path must differ per shard: the manifest names it with
/// `${TOKENSMITH_SHARD}` (``environmentVariable``), which the loader defines
/// as ``index`` while it expands the manifest.
package struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// `TOKENSMITH_SHARD`: the shard index in `${…}` expansion; defined by
    /// tokensmith only when sharding (a value in the process environment is ignored).
    package static let environmentVariable = "TOKENSMITH_SHARD"

    /// This shard's number, `0 ..< count`.
    package let index: Int
    /// How many shards share the fleet.
    package let count: Int

    /// Creates a shard; nil when `index` is not in `0 ..< count`.
    package init?(index: Int, count: Int) {
        guard count >= 1, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` as given to `--shard`.
    package init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// Whether this shard owns the client called `name`.
    package func owns(_ name: String) -> Bool {
        count == 1 || Int(Self.hash(name) % UInt64(count)) == index
    }

    /// FNV-1a, 64-bit.
    static func hash(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// `I/N`.
    package var description: String { "\(index)/\(count)" }
}
