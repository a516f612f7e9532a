/// A collection under construction while events stream in.
///
/// A struct mutated in place in the parse session's stack (a class paid a
/// dynamic exclusivity check on every stored-property access). A mapping's
/// builder is a stored optional, mutated in place: kept as an enum payload it
/// was copied out and written back on every pair (about 8 % of a
/// 10,000-client parse's instructions).
struct Frame {
    let tag: String?
    let anchor: String?
    let mark: Mark
    /// The pairs of a mapping; nil for a sequence.
    private var mapping: MappingBuilder?
    private var items: [Node] = []
    private(set) var weight = 1
    /// A list whose items are handed to a stream, not kept (see ``skip(weight:)``).
    var streamsItems = false
    /// How many items were handed to the stream.
    private var skipped = 0

    init(sequenceWithTag tag: String?, anchor: String?, mark: Mark) {
        self.tag = tag
        self.anchor = anchor
        self.mark = mark
        self.mapping = nil
    }

    init(mappingWithTag tag: String?, anchor: String?, mark: Mark) {
        self.tag = tag
        self.anchor = anchor
        self.mark = mark
        self.mapping = MappingBuilder()
    }

    mutating func add(_ node: Node, weight: Int, file: String, source: () -> SourceText) throws(YAMLError) {
        self.weight += weight
        if mapping != nil {
            try mapping!.add(node, file: file, source: source)
        } else {
            items.append(node)
        }
    }

    /// Counts an item handed to the stream instead of kept; returns its index.
    mutating func skip(weight: Int) -> Int {
        self.weight += weight
        skipped += 1
        return skipped - 1
    }

    /// The key of a mapping's pair waiting for its value.
    var pendingKey: Node? { mapping?.pendingKey }

    func build() -> Node {
        if let mapping {
            .mapping(Node.Mapping(pairs: mapping.build(), tag: tag, mark: mark))
        } else {
            .sequence(Node.Sequence(items: items, tag: tag, mark: mark))
        }
    }
}

/// Collects a mapping's pairs, checks duplicate keys and applies merge keys.
struct MappingBuilder {
    /// The explicit pairs in order; without merge keys (nearly every
    /// mapping) this array is the result as it is, not copied pair by pair.
    private var pairs: [Node.Mapping.Pair] = []
    /// What each `<<` contributes, with the number of explicit pairs before it.
    private var merges: [(position: Int, pairs: [Node.Mapping.Pair])] = []
    private(set) var pendingKey: Node?
    /// Per pair in `pairs`: its key's tag (``Swift/String/lengthAndFirstByte``
    /// of its text), or -1 for a key that is not a scalar. Plain integers, so
    /// the duplicate search copies nothing and freeing them costs nothing.
    private var keyTags: [Int] = []
    /// Explicit scalar keys with where they were written, kept once the
    /// mapping outgrows a linear search.
    private var explicitKeys: [String: Mark] = [:]

    mutating func add(_ node: Node, file: String, source: () -> SourceText) throws(YAMLError) {
        guard let key = pendingKey else {
            pendingKey = node
            return
        }
        pendingKey = nil
        if pairs.capacity == 0 {
            // Room for a typical manifest mapping at once, not grown 1, 2, 4, 8.
            pairs.reserveCapacity(8)
            keyTags.reserveCapacity(8)
        }
        if let scalar = key.scalar, scalar.value == "<<", scalar.style == .plain, scalar.tag == nil {
            merges.append((pairs.count, try Self.mergeSources(node, file: file, source: source)))
            return
        }
        guard let keyText = Self.text(of: key) else {
            pairs.append(Node.Mapping.Pair(key: key, value: node))
            keyTags.append(-1)
            return
        }
        let tag = keyText.lengthAndFirstByte
        if let first = firstMark(of: keyText, tag: tag) {
            throw YAMLError(
                file: file, mark: key.mark,
                message: "duplicate key `\(keyText)` in this mapping; remove one of the two",
                notes: ["`\(keyText)` was first defined at \(first.line):\(first.column)"],
                sourceLine: source().line(key.mark.line)
            )
        }
        pairs.append(Node.Mapping.Pair(key: key, value: node))
        keyTags.append(tag)
        if pairs.count == Self.linearLimit + 1 {
            for pair in pairs { if let text = Self.text(of: pair.key) { explicitKeys[text] = pair.key.mark } }
        } else if pairs.count > Self.linearLimit {
            explicitKeys[keyText] = key.mark
        }
    }

    /// A scalar key's text for duplicate checks: every spelling of null
    /// (``, `~`, `null`) is the same key. Nil for a collection key.
    private static func text(of key: Node) -> String? {
        key.scalar.map { $0.isNull ? "~" : $0.value }
    }

    /// Small mappings (almost all of a manifest) are searched linearly; a
    /// dictionary only pays off past a dozen keys.
    private static let linearLimit = 12

    private func firstMark(of key: String, tag: Int) -> Mark? {
        guard pairs.count <= Self.linearLimit else { return explicitKeys[key] }
        // Tags first: distinct keys rarely get to the string compare.
        for index in keyTags.indices where keyTags[index] == tag {
            if Self.text(of: pairs[index].key) == key { return pairs[index].key.mark }
        }
        return nil
    }

    /// The pairs a `<<` value contributes: one mapping, or a list of mappings
    /// where earlier ones win.
    private static func mergeSources(_ node: Node, file: String, source: () -> SourceText) throws(YAMLError) -> [Node.Mapping.Pair] {
        let problem = "a merge key `<<` takes a mapping or a list of mappings (usually aliases like `*defaults`)"
        switch node {
        case .mapping(let mapping):
            return mapping.pairs
        case .sequence(let sequence):
            var merged: [Node.Mapping.Pair] = []
            for item in sequence.items {
                guard let mapping = item.mapping else {
                    throw YAMLError(file: file, mark: item.mark, message: problem, sourceLine: source().line(item.mark.line))
                }
                for pair in mapping.pairs where !merged.contains(where: { $0.key == pair.key }) {
                    merged.append(pair)
                }
            }
            return merged
        case .scalar:
            throw YAMLError(file: file, mark: node.mark, message: problem, sourceLine: source().line(node.mark.line))
        }
    }

    /// The final pairs: explicit keys in place, merged keys where their `<<`
    /// stood unless an explicit or earlier merged key already has that name.
    func build() -> [Node.Mapping.Pair] {
        guard !merges.isEmpty else { return pairs }
        var result: [Node.Mapping.Pair] = []
        result.reserveCapacity(pairs.count + merges.reduce(0) { $0 + $1.pairs.count })
        var merged = Set<String>()
        var nextMerge = 0
        for index in 0...pairs.count {
            while nextMerge < merges.count, merges[nextMerge].position == index {
                for pair in merges[nextMerge].pairs {
                    guard let scalar = pair.key.scalar else { result.append(pair); continue }
                    let text = scalar.isNull ? "~" : scalar.value
                    if firstMark(of: text, tag: text.lengthAndFirstByte) != nil || !merged.insert(text).inserted { continue }
                    result.append(pair)
                }
                nextMerge += 1
            }
            if index < pairs.count { result.append(pairs[index]) }
        }
        return result
    }
}
