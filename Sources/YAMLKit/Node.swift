/// A YAML node: a scalar, a sequence or a mapping, with its source position.
///
/// Nodes are plain values (`Sendable`, no references into libyaml), so a parsed
/// document can cross tasks freely. Aliases are already resolved and merge keys
/// (`<<`) already applied when a document comes out of ``YAMLParser``.
///
/// Equality is semantic: marks and quoting style are ignored, except that a
/// plain scalar is compared by the type it resolves to, so plain `true` (a
/// boolean) differs from quoted `"true"` (a string).
public enum Node: Sendable, Equatable, CustomStringConvertible {
    case scalar(Scalar)
    case sequence(Sequence)
    case mapping(Mapping)

    /// Where the node starts in the source, or `Mark(line: 0, column: 0)` for
    /// nodes built in code.
    public var mark: Mark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .sequence(let sequence): sequence.mark
        case .mapping(let mapping): mapping.mark
        }
    }

    /// The explicit tag (for example `!!str`), if the source gave one.
    public var tag: String? {
        switch self {
        case .scalar(let scalar): scalar.tag
        case .sequence(let sequence): sequence.tag
        case .mapping(let mapping): mapping.tag
        }
    }

    /// A short name of the node's kind for messages: "a string", "a list", "a mapping".
    public var kindDescription: String {
        switch self {
        case .scalar(let scalar): scalar.resolved.description
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The scalar payload, or nil for collections.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = self { return scalar }
        return nil
    }

    /// The sequence payload, or nil for other kinds.
    public var sequence: Sequence? {
        if case .sequence(let sequence) = self { return sequence }
        return nil
    }

    /// The mapping payload, or nil for other kinds.
    public var mapping: Mapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    /// A compact, YAML-like rendering for debugging and test failures.
    public var description: String {
        switch self {
        case .scalar(let scalar): scalar.style == .plain ? scalar.value : "\"\(scalar.value)\""
        case .sequence(let sequence): "[" + sequence.items.map(\.description).joined(separator: ", ") + "]"
        case .mapping(let mapping):
            "{" + mapping.pairs.map { "\($0.key.description): \($0.value.description)" }.joined(separator: ", ") + "}"
        }
    }

    /// A string scalar built in code; the emitter quotes it whenever it would
    /// otherwise read back as another type.
    public static func string(_ value: String) -> Node {
        .scalar(Scalar(value, style: .any))
    }

    /// A mapping of string keys built in code, in the given order.
    public static func mapping(_ pairs: KeyValuePairs<String, Node>) -> Node {
        .mapping(Mapping(pairs: pairs.map { Mapping.Pair(key: .string($0.key), value: $0.value) }))
    }

    /// A sequence built in code.
    public static func sequence(_ items: [Node]) -> Node {
        .sequence(Sequence(items: items))
    }
}

/// How a scalar was written, or should be written.
public enum ScalarStyle: Sendable, Hashable {
    /// Let the emitter choose a style that reads back as the same string.
    case any
    /// Unquoted; the value resolves to null, bool, int, float or string by its text.
    case plain
    case singleQuoted
    case doubleQuoted
    case literal
    case folded
}

/// A scalar node: text plus how it was written.
public struct Scalar: Sendable, Equatable {
    /// The scalar's text, with escapes and folding already applied.
    public var value: String
    /// The explicit tag, if any.
    public var tag: String?
    /// The style the source used (or the emitter should use).
    public var style: ScalarStyle
    /// Where the scalar starts.
    public var mark: Mark
    /// Just past the scalar's last character, so a multi-line scalar's lines
    /// are known (for a block scalar, the start of the line after it).
    public var endMark: Mark

    /// Creates a scalar; `endMark` defaults to `mark`.
    public init(_ value: String, tag: String? = nil, style: ScalarStyle = .any, mark: Mark = Mark(line: 0, column: 0), endMark: Mark? = nil) {
        self.value = value
        self.tag = tag
        self.style = style
        self.mark = mark
        self.endMark = endMark ?? mark
    }

    /// What the scalar means under the YAML 1.2 core schema: an explicit tag
    /// decides; otherwise only a plain scalar can be anything other than a string.
    public var resolved: ResolvedScalar {
        // An explicit tag decides, whatever the quoting: the core schema's own
        // tags read the text as that schema does, any other tag is a string.
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                 "!!int", "!!float", "!!bool", "!!null":
                return ScalarResolver.coreSchema(value)
            default:
                return .string
            }
        }
        guard style == .plain else { return .string }
        return ScalarResolver.coreSchema(value)
    }

    /// Whether the scalar means null; cheap for the common plain, untagged case.
    public var isNull: Bool {
        if tag == nil {
            // Null spellings are at most four bytes: longer keys and values skip the compares.
            guard style == .plain, value.utf8.count <= 4 else { return false }
            switch value {
            case "", "~", "null", "Null", "NULL": return true
            default: return false
            }
        }
        return resolved == .null
    }

    /// Same text, tag and type; every spelling of null (``, `~`, `null`) is one value.
    public static func == (lhs: Scalar, rhs: Scalar) -> Bool {
        let resolved = lhs.resolved
        guard lhs.tag == rhs.tag, resolved == rhs.resolved else { return false }
        return resolved == .null || lhs.value == rhs.value
    }
}

/// A sequence node.
public struct Sequence: Sendable, Equatable {
    /// The items in source order.
    public var items: [Node]
    /// The explicit tag, if any.
    public var tag: String?
    /// Where the sequence starts.
    public var mark: Mark

    /// Creates a sequence.
    public init(items: [Node], tag: String? = nil, mark: Mark = Mark(line: 0, column: 0)) {
        self.items = items
        self.tag = tag
        self.mark = mark
    }

    public static func == (lhs: Sequence, rhs: Sequence) -> Bool {
        lhs.items == rhs.items && lhs.tag == rhs.tag
    }
}

/// A mapping node whose keys keep their source order.
public struct Mapping: Sendable, Equatable {
    /// One key and its value.
    public struct Pair: Sendable, Equatable {
        /// The key node (almost always a scalar).
        public var key: Node
        /// The value node.
        public var value: Node

        /// Creates a pair.
        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    /// The pairs in source order (merged keys appear where their `<<` stood).
    public var pairs: [Pair]
    /// The explicit tag, if any.
    public var tag: String?
    /// Where the mapping starts.
    public var mark: Mark

    /// Creates a mapping.
    public init(pairs: [Pair], tag: String? = nil, mark: Mark = Mark(line: 0, column: 0)) {
        self.pairs = pairs
        self.tag = tag
        self.mark = mark
    }

    /// The value for a scalar key with this text, if present.
    public subscript(key: String) -> Node? {
        pair(forKey: key)?.value
    }

    /// The whole pair for a scalar key with this text, so callers can report the key's mark.
    public func pair(forKey key: String) -> Pair? {
        pairs.first { $0.key.scalar?.value == key }
    }

    /// The scalar keys' texts, in order.
    public var keys: [String] {
        pairs.compactMap { $0.key.scalar?.value }
    }

    public static func == (lhs: Mapping, rhs: Mapping) -> Bool {
        lhs.pairs == rhs.pairs && lhs.tag == rhs.tag
    }
}
