import YAMLKit

/// The known keys of one manifest mapping, looked up by name.
///
/// A list searched in order rather than a dictionary: a manifest mapping has a
/// handful of keys, and hashing every key of every client's mappings was a
/// visible share of loading 10,000 clients.
struct FieldSet {
    private var entries: [(key: String, pair: Mapping.Pair)] = []

    mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// The pair for `key`, if the mapping has it.
    subscript(key: String) -> Mapping.Pair? {
        get { entries.first { $0.key == key }?.pair }
        set {
            entries.removeAll { $0.key == key }
            if let newValue { entries.append((key, newValue)) }
        }
    }
}
