import YAMLKit

/// The known keys of one manifest mapping, looked up by name.
///
/// A list searched in order rather than a dictionary: a manifest mapping has a
/// handful of keys, and hashing every key of every client's mappings was a
/// visible share of loading 10,000 clients. The search reads the entries in
/// place and copies only the one that matches.
struct FieldSet {
    private struct Entry {
        /// The key's length and first byte, compared before the key itself:
        /// most lookups ask for a key the mapping does not have, and integer
        /// compares settle nearly all of those.
        var tag: Int
        var key: String
        var pair: Node.Mapping.Pair
    }

    private var entries: [Entry] = []

    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    private func position(of key: String, tag: Int) -> Int? {
        entries.withUnsafeBufferPointer { buffer in
            buffer.indices.first { buffer[$0].tag == tag && buffer[$0].key == key }
        }
    }

    /// Adds `pair` under `key`, which the set does not hold yet (a parsed
    /// mapping's keys are distinct).
    mutating func append(_ key: String, _ pair: Node.Mapping.Pair) {
        entries.append(Entry(tag: key.lengthAndFirstByte, key: key, pair: pair))
    }

    /// The pair for `key`, if the mapping has it.
    subscript(key: String) -> Node.Mapping.Pair? {
        position(of: key, tag: key.lengthAndFirstByte).map { entries[$0].pair }
    }
}
