import YAMLKit

/// The known keys of one manifest mapping, looked up by name.
///
/// A list searched in order rather than a dictionary: a manifest mapping has a
/// handful of keys, and hashing every key of every client's mappings was a
/// visible share of loading 10,000 clients.
struct FieldSet {
    /// Each key with its length and first byte, compared before the key
    /// itself: most lookups ask for a key the mapping does not have, and
    /// integer compares settle nearly all of those.
    private var entries: [(key: String, tag: Int, pair: Node.Mapping.Pair)] = []

    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// The pair for `key`, if the mapping has it.
    subscript(key: String) -> Node.Mapping.Pair? {
        get {
            let tag = key.lengthAndFirstByte
            return entries.first { $0.tag == tag && $0.key == key }?.pair
        }
        set {
            let tag = key.lengthAndFirstByte
            entries.removeAll { $0.tag == tag && $0.key == key }
            if let newValue { entries.append((key, tag, newValue)) }
        }
    }
}
